package dev.baton.internal.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.baton.ResultSerializer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class ResultCacheTest {
    private static final long NOW = 1_700_000_000_000_000_000L;

    @TempDir
    Path home;

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger cacheLogger = (Logger) LoggerFactory.getLogger("dev.baton.cache");

    record Point(int x, int y) {}

    @BeforeEach
    void captureLog() {
        log.start();
        cacheLogger.addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        cacheLogger.detachAppender(log);
    }

    private ResultCache newCache() {
        return new ResultCache(BatonHome.cacheDirectory(home), new ResultStore(BatonHome.resultsDirectory(home)));
    }

    private List<String> warnings() {
        return log.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void missesWhenNothingWasInserted() {
        assertThat(newCache().lookup("k", NOW)).isEmpty();
        assertThat(newCache().find("k", NOW)).isEmpty();
        assertThat(warnings()).isEmpty();
        assertThat(home.resolve("cache")).doesNotExist();
    }

    @Test
    void hitsAfterAnInsert() {
        ResultCache cache = newCache();
        ResultRef ref = cache.insert("k", List.of(new Point(1, 2)), ResultSerializer.json(), ResultCache.NEVER);

        assertThat(cache.lookup("k", NOW)).contains(List.of(new Point(1, 2)));
        assertThat(cache.find("k", NOW)).hasValueSatisfying(hit -> {
            assertThat(hit.key()).isEqualTo("k");
            assertThat(hit.value()).isEqualTo(List.of(new Point(1, 2)));
            assertThat(hit.result()).isEqualTo(ref);
            assertThat(hit.expiresAtEpochNanos()).isEqualTo(Long.MAX_VALUE);
        });
        assertThat(cache.lookup("other", NOW)).isEmpty();
    }

    @Test
    void keysAreArbitraryText() {
        ResultCache cache = newCache();
        String key = "../../etc/passwd \n ünï / \\ * " + "x".repeat(5000);
        cache.insert(key, 1, ResultSerializer.json(), ResultCache.NEVER);

        assertThat(cache.lookup(key, NOW)).contains(1);
        assertThat(cache.entryFile(key)).hasParent(home.resolve("cache").toAbsolutePath());
    }

    @Test
    void aCachedNullIsAHitThroughFind() {
        ResultCache cache = newCache();
        cache.insert("void", null, ResultSerializer.json(), ResultCache.NEVER);

        assertThat(cache.find("void", NOW)).hasValueSatisfying(hit -> assertThat(hit.value()).isNull());
        assertThat(cache.lookup("void", NOW)).isEmpty();
    }

    @Test
    void anEntryExpiresAtItsExpiry() {
        ResultCache cache = newCache();
        cache.insert("k", "v", ResultSerializer.json(), NOW + 1_000);

        assertThat(cache.lookup("k", NOW)).contains("v");
        assertThat(cache.lookup("k", NOW + 999)).contains("v");
        assertThat(cache.lookup("k", NOW + 1_000)).isEmpty();
        assertThat(cache.lookup("k", NOW + 1_001)).isEmpty();
        assertThat(warnings()).isEmpty();
    }

    @Test
    void neverMeansNever() {
        ResultCache cache = newCache();
        cache.insert("k", "v", ResultSerializer.json(), ResultCache.NEVER);
        assertThat(cache.lookup("k", Long.MAX_VALUE)).contains("v");
    }

    @Test
    void aNewInsertReplacesTheEntry() {
        ResultCache cache = newCache();
        cache.insert("k", "old", ResultSerializer.json(), NOW + 10);
        cache.insert("k", "new", ResultSerializer.java(), ResultCache.NEVER);

        assertThat(cache.lookup("k", NOW + 20)).contains("new");
    }

    @Test
    void anAlreadyStoredResultCanBecomeTheEntry() {
        ResultStore store = new ResultStore(BatonHome.resultsDirectory(home));
        ResultCache cache = new ResultCache(BatonHome.cacheDirectory(home), store);
        ResultRef persisted = store.write(new Point(7, 8), ResultSerializer.json());

        cache.insert("k", persisted, ResultCache.NEVER);

        assertThat(cache.find("k", NOW)).hasValueSatisfying(hit -> {
            assertThat(hit.value()).isEqualTo(new Point(7, 8));
            assertThat(hit.result()).isEqualTo(persisted);
        });
    }

    @Test
    void survivesARestart() {
        newCache().insert("k", new Point(3, 4), ResultSerializer.json(), NOW + 1_000);

        ResultCache afterRestart = newCache();
        assertThat(afterRestart.lookup("k", NOW + 1)).contains(new Point(3, 4));
        assertThat(afterRestart.lookup("k", NOW + 1_000)).isEmpty();
    }

    @Test
    void aCorruptEntryIsAnErrorNamingTheKeyTheFileAndTheRemedy() throws IOException {
        ResultCache cache = newCache();
        cache.insert("k", "v", ResultSerializer.json(), ResultCache.NEVER);
        Path entry = cache.entryFile("k");
        Files.writeString(entry, "{\"key\":\"k\",\"resu");

        assertThatThrownBy(() -> cache.find("k", NOW))
                .isInstanceOf(UnreadableCacheEntryException.class)
                .hasMessageContaining("'k'")
                .hasMessageContaining(entry.toString())
                .hasMessageContaining("refreshCache(true)")
                .satisfies(e -> {
                    assertThat(((UnreadableCacheEntryException) e).cacheKey()).isEqualTo("k");
                    assertThat(((UnreadableCacheEntryException) e).entryFile()).isEqualTo(entry);
                });
        assertThat(warnings()).isEmpty();
    }

    @Test
    void anEntryWithMissingFieldsIsAnError() throws IOException {
        ResultCache cache = newCache();
        cache.insert("k", "v", ResultSerializer.json(), ResultCache.NEVER);
        Path entry = cache.entryFile("k");

        Files.writeString(entry, "{\"key\":\"k\",\"expiresAtEpochNanos\":5}");
        assertThatThrownBy(() -> cache.find("k", 0)).isInstanceOf(UnreadableCacheEntryException.class).hasMessageContaining("result");

        Files.writeString(entry, "{\"key\":\"k\",\"result\":{\"key\":\"../x\",\"serializer\":\"json\"},\"expiresAtEpochNanos\":5}");
        assertThatThrownBy(() -> cache.find("k", 0)).isInstanceOf(UnreadableCacheEntryException.class).hasMessageContaining("../x");
    }

    @Test
    void anEntryHoldingAnotherKeyIsAMissWithAWarning() throws IOException {
        ResultCache cache = newCache();
        cache.insert("k", "v", ResultSerializer.json(), ResultCache.NEVER);
        cache.insert("other", "w", ResultSerializer.json(), ResultCache.NEVER);
        Path entry = cache.entryFile("k");
        Files.writeString(entry, Files.readString(cache.entryFile("other")));

        assertThat(cache.lookup("k", NOW)).isEmpty();
        assertThat(warnings()).singleElement().asString().contains(entry.toString()).contains("'other'").contains("miss");
    }

    @Test
    void anEntryWhoseResultIsGoneIsAMissWithAWarning() throws IOException {
        ResultStore store = new ResultStore(BatonHome.resultsDirectory(home));
        ResultCache cache = new ResultCache(BatonHome.cacheDirectory(home), store);
        ResultRef ref = cache.insert("k", "v", ResultSerializer.json(), ResultCache.NEVER);
        Files.delete(store.file(ref));

        assertThat(cache.lookup("k", NOW)).isEmpty();
        assertThat(warnings()).singleElement().asString().contains("'k'").contains("no longer available");
    }

    @Test
    void aValueThatCannotBeReadIsAnErrorNamingTheKeyTheFilesAndTheCause() throws IOException {
        ResultStore store = new ResultStore(BatonHome.resultsDirectory(home));
        ResultCache cache = new ResultCache(BatonHome.cacheDirectory(home), store);
        ResultRef ref = cache.insert("k", "v", ResultSerializer.json(), ResultCache.NEVER);
        Files.writeString(store.file(ref), "baton-result/1 json\n{\"@class\":\"com.example.Gone\"}");

        assertThatThrownBy(() -> cache.find("k", NOW))
                .isInstanceOf(UnreadableCacheEntryException.class)
                .hasMessageContaining("'k'")
                .hasMessageContaining("com.example.Gone")
                .hasMessageContaining(store.file(ref).toString())
                .hasMessageContaining(cache.entryFile("k").toString())
                .hasMessageContaining("refreshCache(true)");
        assertThat(warnings()).isEmpty();
    }

    @Test
    void aRecordWithIntegerMapKeysIsAHit() {
        record Counts(java.util.Map<Integer, String> byNumber) {}
        ResultCache cache = newCache();
        Counts value = new Counts(java.util.Map.of(1, "one", 2, "two"));
        cache.insert("k", value, ResultSerializer.json(), ResultCache.NEVER);

        assertThat(cache.lookup("k", NOW)).contains(value);
        assertThat(warnings()).isEmpty();
    }

    @Test
    void concurrentInsertsAndLookupsNeverSeeAPartialEntry() throws Exception {
        int threads = 8;
        int rounds = 150;
        ResultCache cache = newCache();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        ConcurrentLinkedQueue<Object> seen = new ConcurrentLinkedQueue<>();
        List<Future<?>> futures = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                int writer = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    // Another instance per thread, as another process would have.
                    ResultCache own = writer % 2 == 0 ? cache : newCache();
                    for (int i = 0; i < rounds; i++) {
                        // Values big enough that a torn write would be visible.
                        Point p = new Point(writer, i);
                        own.insert("shared", List.of(p, "x".repeat(2_000)), ResultSerializer.json(), ResultCache.NEVER);
                        own.insert("own-" + writer, p, ResultSerializer.json(), ResultCache.NEVER);
                        Optional<Object> shared = own.lookup("shared", NOW);
                        shared.ifPresent(seen::add);
                        assertThat(shared).isPresent();
                        assertThat(own.lookup("own-" + writer, NOW)).contains(p);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) f.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }

        assertThat(warnings()).isEmpty();
        assertThat(seen).hasSize(threads * rounds).allSatisfy(v -> assertThat(v).asInstanceOf(
                org.assertj.core.api.InstanceOfAssertFactories.LIST).hasSize(2).first().isInstanceOf(Point.class));
        Object last = newCache().lookup("shared", NOW).orElseThrow();
        assertThat(last).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST).first()
                .satisfies(p -> assertThat(((Point) p).y()).isEqualTo(rounds - 1));
        try (var files = Files.list(home.resolve("cache"))) {
            assertThat(files.map(Path::toString)).noneMatch(n -> n.endsWith(".tmp")).hasSize(threads + 1);
        }
    }
}
