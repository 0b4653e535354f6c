package dev.baton.internal.results;

import dev.baton.spi.Ids;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file so that readers see either the old content or the whole new one, never a part:
 * write a temporary file beside it, then rename it over the target. A crash can leave a stray
 * {@code .*.tmp} file behind, which nothing reads.
 *
 * <p>No fsync: the cache is best effort (an entry lost in a power cut is a miss, a torn one is
 * read as a miss), and a sync per task run would cost milliseconds on the hot path.
 */
final class AtomicFiles {
    private AtomicFiles() {}

    /**
     * Replaces {@code target}'s content with {@code parts}, creating its directory if needed.
     *
     * @throws UncheckedIOException if the file cannot be written; the message names it
     */
    static void write(Path target, byte[]... parts) {
        Path dir = target.toAbsolutePath().getParent();
        // Ids: unique without a SecureRandom (Files.createTempFile's names cost one each).
        Path temp = dir.resolve("." + target.getFileName() + "." + Ids.next() + ".tmp");
        try {
            try {
                writeNew(temp, parts);
            } catch (NoSuchFileException e) {
                // Directories are made on first write, and again if someone removed them since.
                Files.createDirectories(dir);
                writeNew(temp, parts);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // the first failure is the one to report
            }
            throw new UncheckedIOException("Cannot write " + target + ": " + e, e);
        }
    }

    private static void writeNew(Path file, byte[]... parts) throws IOException {
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (byte[] part : parts) out.write(part);
        }
    }
}
