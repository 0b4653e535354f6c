package dev.baton.internal.results;

import dev.baton.ResultSerializationException;
import dev.baton.ResultSerializer;
import dev.baton.spi.Ids;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Results as files in one directory ({@code BATON_HOME/results} by default), one file per result.
 * Each file is a header line naming the serializer, {@code baton-result/1 json}, followed by the
 * serializer's bytes, so a result can be read back without knowing how it was written. Files are
 * written atomically under new time-ordered names and never modified, so the store is safe to
 * share between threads and processes. The directory is created on the first write.
 *
 * <pre>{@code
 * ResultStore store = new ResultStore(BatonHome.resultsDirectory(BatonHome.path()));
 * ResultRef ref = store.write(List.of(1, 2, 3), ResultSerializer.json());
 * Object value = store.read(ref);
 * }</pre>
 */
public final class ResultStore {
    private static final String MAGIC = "baton-result/1";
    private static final int MAX_HEADER = 256;

    private final Path directory;
    // Built-ins plus custom serializers seen by write(), so results they wrote read back in this JVM.
    private final Map<String, ResultSerializer> serializers = new ConcurrentHashMap<>();

    /** A store in {@code directory}, knowing the {@code json} and {@code java} serializers. */
    public ResultStore(Path directory) {
        this(directory, List.of());
    }

    /** A store in {@code directory} that also knows {@code serializers}, to read what they wrote in earlier runs. */
    public ResultStore(Path directory, Collection<? extends ResultSerializer> serializers) {
        this.directory = directory.toAbsolutePath();
        register(JsonResultSerializer.INSTANCE);
        register(JavaResultSerializer.INSTANCE);
        serializers.forEach(this::register);
    }

    /** The directory holding the result files. */
    public Path directory() {
        return directory;
    }

    /**
     * Stores {@code value} (may be null) in a new file.
     *
     * @throws ResultSerializationException if the serializer cannot represent the value
     * @throws UncheckedIOException if the file cannot be written
     * @throws IllegalArgumentException if the serializer's name is not a plain word, or another serializer has it
     */
    public ResultRef write(Object value, ResultSerializer serializer) {
        String name = register(serializer);
        byte[] body = serializer.serialize(value);
        byte[] header = (MAGIC + " " + name + "\n").getBytes(StandardCharsets.US_ASCII);
        ResultRef ref = new ResultRef(Ids.next().toString(), name);
        AtomicFiles.write(file(ref), header, body);
        return ref;
    }

    /**
     * The value stored under {@code ref}, read with the serializer recorded in its file.
     *
     * @throws ResultUnavailableException if the file no longer exists; the message gives its path
     * @throws ResultSerializationException if the file is not a result, names an unknown serializer, or cannot be read back
     * @throws UncheckedIOException if the file cannot be read
     */
    public Object read(ResultRef ref) {
        Path file = file(ref);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ResultUnavailableException(ref, file, e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the " + ref + " from " + file + ": " + e, e);
        }
        int newline = indexOf(bytes, (byte) '\n', MAX_HEADER);
        String header = newline < 0 ? "" : new String(bytes, 0, newline, StandardCharsets.US_ASCII);
        if (!header.startsWith(MAGIC + " ")) {
            throw new ResultSerializationException("Cannot read the " + ref + ": " + file + " is not a Baton result file", null);
        }
        String name = header.substring(MAGIC.length() + 1);
        ResultSerializer serializer = serializers.get(name);
        if (serializer == null) {
            throw new ResultSerializationException("Cannot read the " + ref + " from " + file + ": it was written by a result"
                    + " serializer named '" + name + "', which this store does not know (it knows "
                    + new TreeSet<>(serializers.keySet()) + ")", null);
        }
        try {
            return serializer.deserialize(Arrays.copyOfRange(bytes, newline + 1, bytes.length));
        } catch (ResultSerializationException e) {
            throw new ResultSerializationException(e.getMessage() + " (" + ref + " at " + file + ")", e);
        }
    }

    /** The file of {@code ref} in this store (whether or not it exists). */
    public Path file(ResultRef ref) {
        return directory.resolve(ref.key());
    }

    @Override
    public String toString() {
        return "ResultStore[" + directory + "]";
    }

    private String register(ResultSerializer serializer) {
        Objects.requireNonNull(serializer, "serializer");
        String name = serializer.name();
        if (!ResultRef.isValidSerializerName(name)) {
            throw new IllegalArgumentException("A result serializer's name must be a plain word (letters, digits, . _ -),"
                    + " not '" + name + "' (" + serializer + ")");
        }
        ResultSerializer known = serializers.putIfAbsent(name, serializer);
        if (known != null && known != serializer && known.getClass() != serializer.getClass()) {
            throw new IllegalArgumentException("Two different result serializers are named '" + name + "': " + known
                    + " and " + serializer + "; give the custom one another name");
        }
        return name;
    }

    private static int indexOf(byte[] bytes, byte b, int limit) {
        for (int i = 0, n = Math.min(bytes.length, limit); i < n; i++) {
            if (bytes[i] == b) return i;
        }
        return -1;
    }
}
