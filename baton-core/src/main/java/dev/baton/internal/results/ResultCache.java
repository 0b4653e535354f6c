package dev.baton.internal.results;

import dev.baton.ResultSerializationException;
import dev.baton.ResultSerializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Task results by cache key, as files: one entry file per key in a directory
 * ({@code BATON_HOME/cache} by default), named by the SHA-256 of the key, pointing to the value in
 * a {@link ResultStore}. Being files, the cache outlives the JVM and is shared by every process
 * using the same directory.
 *
 * <p>Thread- and process-safe without locks: values are stored in new files and entries are
 * replaced by an atomic rename, so a reader sees a whole old entry or a whole new one. Of two
 * concurrent inserts of one key, the last rename wins.
 *
 * <p>A missing or expired entry is a miss. So is an entry whose stored value is gone (the results
 * directory was cleaned) or whose file holds another key, with a WARN on the {@code dev.baton.cache}
 * logger: inserting the key again repairs both. An entry that is there but cannot be read (a
 * corrupt file, a value whose class changed or is gone) is an {@link UnreadableCacheEntryException}:
 * treating it as a miss would run the task again on every run without anyone noticing.
 *
 * <p>Replaced and expired entries are left as they are (a new insert overwrites them), and so are
 * the result files they point to, which may also be a run's persisted result. Cleaning
 * {@code BATON_HOME} is a separate concern.
 *
 * <pre>{@code
 * ResultCache cache = new ResultCache(BatonHome.cacheDirectory(home), store);
 * cache.insert(key, value, ResultSerializer.json(), clock.epochNanos() + ttl.toNanos());
 * Optional<CacheHit> hit = cache.find(key, clock.epochNanos());
 * }</pre>
 */
public final class ResultCache {
    private static final Logger LOG = LoggerFactory.getLogger("dev.baton.cache");

    /** The expiry of an entry that never expires. */
    public static final long NEVER = CacheEntry.NEVER;

    private final Path directory;
    private final ResultStore store;

    /** A cache with entries in {@code directory} and values in {@code store}; the directory is created on the first insert. */
    public ResultCache(Path directory, ResultStore store) {
        this.directory = directory.toAbsolutePath();
        this.store = Objects.requireNonNull(store, "store");
    }

    /** The directory holding the entry files. */
    public Path directory() {
        return directory;
    }

    /**
     * The cached value for {@code cacheKey} if it has a valid entry at {@code nowEpochNanos}.
     * A cached null reads as empty, like a miss: use {@link #find} where results may be null.
     *
     * @throws UnreadableCacheEntryException as {@link #find} does
     */
    public Optional<Object> lookup(String cacheKey, long nowEpochNanos) {
        return find(cacheKey, nowEpochNanos).map(CacheHit::value);
    }

    /**
     * The entry for {@code cacheKey} and its value, if the entry is valid at {@code nowEpochNanos}
     * (before its expiry) and its value is still stored.
     *
     * @throws UnreadableCacheEntryException if the entry, or the value it points to, exists but cannot be read
     */
    public Optional<CacheHit> find(String cacheKey, long nowEpochNanos) {
        Path file = entryFile(cacheKey);
        CacheEntry entry;
        try {
            entry = CacheEntry.fromJson(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            throw new UnreadableCacheEntryException(cacheKey, file, "its entry file cannot be read (" + e + ")", e);
        }
        if (!entry.key().equals(cacheKey)) {
            LOG.warn("Ignoring cache entry {} for key '{}': it holds key '{}'; treating it as a miss", file, cacheKey, entry.key());
            return Optional.empty();
        }
        if (!entry.isValidAt(nowEpochNanos)) return Optional.empty();
        Object value;
        try {
            value = store.read(entry.result());
        } catch (ResultUnavailableException e) {
            LOG.warn("Ignoring cache entry {} for key '{}': {}; treating it as a miss", file, cacheKey, e.getMessage());
            return Optional.empty();
        } catch (RuntimeException e) {
            throw new UnreadableCacheEntryException(cacheKey, file, "its stored value cannot be read (" + e.getMessage() + ")", e);
        }
        return Optional.of(new CacheHit(cacheKey, value, entry.result(), entry.expiresAtEpochNanos()));
    }

    /**
     * Stores {@code value} (may be null) with {@code serializer} and makes it the entry for
     * {@code cacheKey} until {@code expiresAtEpochNanos} ({@link #NEVER} for never), replacing any
     * earlier entry.
     *
     * @return where the value was stored
     * @throws ResultSerializationException if the serializer cannot represent the value
     * @throws UncheckedIOException if a file cannot be written
     */
    public ResultRef insert(String cacheKey, Object value, ResultSerializer serializer, long expiresAtEpochNanos) {
        Objects.requireNonNull(cacheKey, "cacheKey");
        ResultRef ref = store.write(value, serializer);
        insert(cacheKey, ref, expiresAtEpochNanos);
        return ref;
    }

    /**
     * Makes the already stored {@code result} (written to this cache's {@link ResultStore}, e.g. as a
     * run's persisted result) the entry for {@code cacheKey} until {@code expiresAtEpochNanos}
     * ({@link #NEVER} for never), replacing any earlier entry. Saves writing the value twice.
     *
     * @throws UncheckedIOException if the entry file cannot be written
     */
    public void insert(String cacheKey, ResultRef result, long expiresAtEpochNanos) {
        Objects.requireNonNull(cacheKey, "cacheKey");
        AtomicFiles.write(entryFile(cacheKey), new CacheEntry(cacheKey, result, expiresAtEpochNanos).toJson());
    }

    /** The entry file of {@code cacheKey} (whether or not it exists): keys are arbitrary text, their hashes are file names. */
    public Path entryFile(String cacheKey) {
        return directory.resolve(Sha256.hex(Objects.requireNonNull(cacheKey, "cacheKey")) + ".json");
    }

    @Override
    public String toString() {
        return "ResultCache[" + directory + "]";
    }
}
