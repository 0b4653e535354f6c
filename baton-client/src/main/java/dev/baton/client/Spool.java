package dev.baton.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.baton.spi.RunEvent;
import dev.baton.spi.RunEvents;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Run events a process in client mode could not deliver before it exited, kept on disk
 * ({@code BATON_HOME/spool}) until a later process on the same {@code BATON_HOME} delivers them.
 * One file per process that had something left, named so that names sort by time:
 * {@code <UTC time>-<pid>-<client id>.jsonl}. Its first line says which server the events were
 * for and how many there are; each other line is one batch with the id it had (or would have
 * had) when sent live, so a batch the server took already is not applied twice.
 *
 * <p>A file is written whole, forced to disk, then renamed into place: a process killed while
 * writing leaves no half file to deliver. A process delivering a file holds a lock on it, so two
 * processes starting at once do not both deliver it; it deletes the file once every batch is in.
 */
final class Spool {
    /** Files being written end in this; they are never delivered. */
    private static final String PART = ".part";
    private static final String SUFFIX = ".jsonl";
    private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = RunEvents.newMapper();
    private static final ObjectWriter LINE = JSON.writer().without(
            com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
    private static final ObjectReader HEADER = JSON.readerFor(Header.class);
    private static final ObjectReader BATCH = JSON.readerFor(Line.class);

    /** The first line of a file. */
    record Header(int spool, String server, UUID client, Instant written, long events, int batches) {}

    /** One batch. */
    record Line(String batch, List<RunEvent> events) {}

    /** A file's content. */
    record Content(Header header, List<EventSender.Batch> batches) {}

    private final Path directory;
    private Path quarantineFile; // this process's, once made (guarded by this)

    Spool(Path directory) {
        this.directory = directory;
    }

    /** Where the files are. */
    Path directory() {
        return directory;
    }

    /**
     * Writes {@code batches}, for the server at {@code server}, to a new file (forced to disk) and
     * returns it.
     */
    Path write(String server, UUID client, List<EventSender.Batch> batches) throws IOException {
        Files.createDirectories(directory);
        long events = batches.stream().mapToLong(b -> b.events().size()).sum();
        String name = NAME_TIME.format(Instant.now()) + "-" + ProcessHandle.current().pid() + "-" + client + SUFFIX;
        Path part = directory.resolve(name + PART);
        Path file = directory.resolve(name);
        try (FileChannel channel = FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            OutputStream out = Channels.newOutputStream(channel);
            out.write(LINE.writeValueAsBytes(new Header(1, server, client, Instant.now(), events, batches.size())));
            out.write('\n');
            for (EventSender.Batch b : batches) {
                out.write(LINE.writeValueAsBytes(new Line(b.id(), b.events())));
                out.write('\n');
            }
            out.flush();
            channel.force(true);
        }
        try {
            Files.move(part, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(part, file);
        }
        forceDirectory();
        return file;
    }

    /** Where events the server refused are kept: {@code <spool>/refused}, never delivered again by itself. */
    Path quarantineDirectory() {
        return directory.resolve("refused");
    }

    /** One refused event as kept in the quarantine. */
    record Refused(String server, UUID client, String batch, Instant refusedAt, String reason, RunEvent event) {}

    /**
     * Appends the event of {@code single} (a batch of one event the server refused for good,
     * {@code reason} its answer) to this client's quarantine file, forced to disk, and returns the
     * file: {@code <spool>/refused/<UTC time>-<pid>-<client id>.jsonl}, one JSON object a line.
     */
    synchronized Path quarantine(String server, UUID client, EventSender.Batch single, String reason)
            throws IOException {
        Path dir = quarantineDirectory();
        Files.createDirectories(dir);
        Path file = quarantineFile;
        if (file == null) {
            file = dir.resolve(NAME_TIME.format(Instant.now()) + "-" + ProcessHandle.current().pid() + "-" + client
                    + SUFFIX);
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            OutputStream out = Channels.newOutputStream(channel);
            for (RunEvent e : single.events()) {
                out.write(LINE.writeValueAsBytes(new Refused(server, client, single.id(), Instant.now(), reason, e)));
                out.write('\n');
            }
            out.flush();
            channel.force(true);
        }
        quarantineFile = file;
        return file;
    }

    /** The files waiting, oldest first. */
    List<Path> files() {
        if (!Files.isDirectory(directory)) return List.of();
        try (Stream<Path> s = Files.list(directory)) {
            return s.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
        } catch (IOException e) {
            ApiRunStore.LOG.warn("Cannot list the spool {}: {}", directory, e.getMessage());
            return List.of();
        }
    }

    /** {@code file} locked for this process, or empty if another process (or store) is delivering it. */
    Optional<Taken> take(Path file) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                return Optional.empty();
            }
            if (!Files.exists(file)) { // delivered and deleted by another process meanwhile
                channel.close();
                return Optional.empty();
            }
            return Optional.of(new Taken(file, channel));
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            return Optional.empty();
        } catch (IOException e) {
            closeQuietly(channel);
            return Optional.empty(); // gone, or unreadable: looked at again next time
        }
    }

    /** Reads {@code file} (no lock needed: files are complete once named). */
    static Content read(Path file) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String first = in.readLine();
            if (first == null) throw new IOException("empty spool file " + file);
            Header header = HEADER.readValue(first);
            List<EventSender.Batch> batches = new ArrayList<>(header.batches());
            for (String line; (line = in.readLine()) != null; ) {
                if (line.isBlank()) continue;
                Line l = BATCH.readValue(line);
                batches.add(new EventSender.Batch(l.batch(), l.events()));
            }
            return new Content(header, batches);
        }
    }

    /** A spool file this process holds the lock of. */
    final class Taken implements AutoCloseable {
        private final Path file;
        private final FileChannel channel;

        private Taken(Path file, FileChannel channel) {
            this.file = file;
            this.channel = channel;
        }

        Path file() {
            return file;
        }

        Content read() throws IOException {
            return Spool.read(file);
        }

        /** Every batch is delivered: the file goes. */
        void delete() throws IOException {
            Files.deleteIfExists(file);
            close();
            forceDirectory();
        }

        @Override
        public void close() {
            closeQuietly(channel);
        }
    }

    private void forceDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not every platform can open a directory; the file itself is forced
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) return;
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    @Override
    public String toString() {
        return "Spool[" + directory + "]";
    }
}
