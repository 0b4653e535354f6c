package dev.baton.internal.results;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.ResultSerializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Every value a task may return comes back from the json result serializer as it went in, with
 * the same classes at every level: generated scalars, collections, maps keyed by any type,
 * Optionals, arrays, and records whose components are declared with all of these (see
 * {@link GeneratedValues}). Through the serializer alone, and through the result cache's files.
 * (Each property also passed 5,000 tries when this was written; raise the tries to search harder.)
 */
class JsonRoundTripPropertyTest {
    private static final ResultSerializer JSON = ResultSerializer.json();
    private static final long NOW = 1_700_000_000_000_000_000L;

    private static Path home;
    private static ResultCache cache;

    @BeforeContainer
    static void createHome() throws IOException {
        home = Files.createTempDirectory("baton-json-round-trip-");
        cache = new ResultCache(BatonHome.cacheDirectory(home), new ResultStore(BatonHome.resultsDirectory(home)));
    }

    @AfterContainer
    static void deleteHome() throws IOException {
        try (var files = Files.walk(home)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    @Provide
    Arbitrary<Object> values() {
        return GeneratedValues.values(3);
    }

    @Provide
    Arbitrary<Object> records() {
        return GeneratedValues.records(2);
    }

    @Property(tries = 500)
    void anyValueRoundTrips(@ForAll("values") Object value) {
        assertRoundTrips(value, JSON.deserialize(JSON.serialize(value)));
    }

    @Property(tries = 400)
    void anyRecordRoundTrips(@ForAll("records") Object record) {
        assertRoundTrips(record, JSON.deserialize(JSON.serialize(record)));
    }

    @Property(tries = 150)
    void anyValueComesBackFromTheCache(@ForAll("values") Object value) {
        String key = "k" + System.nanoTime();
        cache.insert(key, value, JSON, ResultCache.NEVER);

        Optional<CacheHit> hit = cache.find(key, NOW);

        assertThat(hit).as("a cache hit").isPresent();
        assertRoundTrips(value, hit.get().value());
    }

    private static void assertRoundTrips(Object written, Object back) {
        String difference = SameValue.difference(written, back);
        assertThat(difference).as(() -> "json: " + new String(JSON.serialize(written), StandardCharsets.UTF_8)).isNull();
    }
}
