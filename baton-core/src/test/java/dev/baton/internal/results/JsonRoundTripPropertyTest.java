package dev.baton.internal.results;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.ResultSerializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every value a task may return comes back from the json result serializer as it went in, with
 * the same classes at every level: generated scalars, collections, maps keyed by any type,
 * Optionals, arrays, and records whose components are declared with all of these (see
 * {@link GeneratedValues}). Through the serializer alone, and through the result cache's files.
 *
 * <p>Each sample is drawn from {@code new Random(seed)} with seeds {@code 0..n-1} of its test, so
 * runs are repeatable; a failure names its seed, and {@code GeneratedValues.value(new Random(seed), 3)}
 * (or {@code record(new Random(seed), 2)}) rebuilds the value. To search harder, raise the sample
 * counts or the seeds' offset ({@code -Dbaton.roundTrip.seedOffset=...}).
 */
class JsonRoundTripPropertyTest {
    private static final ResultSerializer JSON = ResultSerializer.json();
    private static final long NOW = 1_700_000_000_000_000_000L;
    private static final long SEED_OFFSET = Long.getLong("baton.roundTrip.seedOffset", 0L);

    private static Path home;
    private static ResultCache cache;

    @BeforeAll
    static void createHome() throws IOException {
        home = Files.createTempDirectory("baton-json-round-trip-");
        cache = new ResultCache(BatonHome.cacheDirectory(home), new ResultStore(BatonHome.resultsDirectory(home)));
    }

    @AfterAll
    static void deleteHome() throws IOException {
        try (var files = Files.walk(home)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    @Test
    void anyValueRoundTrips() {
        forSamples(500, GeneratedValues::value, 3, (seed, value) -> assertRoundTrips(seed, value, JSON.deserialize(JSON.serialize(value))));
    }

    @Test
    void anyRecordRoundTrips() {
        forSamples(400, GeneratedValues::record, 2, (seed, record) -> assertRoundTrips(seed, record, JSON.deserialize(JSON.serialize(record))));
    }

    @Test
    void anyValueComesBackFromTheCache() {
        forSamples(150, GeneratedValues::value, 3, (seed, value) -> {
            String key = "k" + seed + "-" + System.nanoTime();
            cache.insert(key, value, JSON, ResultCache.NEVER);

            Optional<CacheHit> hit = cache.find(key, NOW);

            assertThat(hit).as("seed %d: a cache hit", seed).isPresent();
            assertRoundTrips(seed, value, hit.get().value());
        });
    }

    private interface Check {
        void check(long seed, Object value);
    }

    /** Runs {@code check} on {@code samples} generated values, the i-th drawn from {@code new Random(offset + i)}. */
    private static void forSamples(int samples, BiFunction<Random, Integer, Object> generator, int depth, Check check) {
        for (long i = 0; i < samples; i++) {
            long seed = SEED_OFFSET + i;
            Object value = generator.apply(new Random(seed), depth);
            check.check(seed, value);
        }
    }

    private static void assertRoundTrips(long seed, Object written, Object back) {
        String difference = SameValue.difference(written, back);
        assertThat(difference)
                .as(() -> "seed " + seed + " (new Random(" + seed + ")), json: " + new String(JSON.serialize(written), StandardCharsets.UTF_8))
                .isNull();
    }
}
