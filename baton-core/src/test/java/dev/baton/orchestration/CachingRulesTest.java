package dev.baton.orchestration;

import dev.baton.PersistedResult;
import dev.baton.State;
import dev.baton.StateType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static dev.baton.orchestration.Transitions.state;
import static dev.baton.orchestration.Transitions.task;
import static org.assertj.core.api.Assertions.assertThat;

/** Cache retrieval (a valid entry instead of running) and insertion (a completed run becomes the entry). */
class CachingRulesTest {
    private final TestClock clock = new TestClock();
    private final MapCache cache = new MapCache();
    private final RetrieveFromCache retrieve = new RetrieveFromCache(clock, cache);
    private final InsertIntoCache insert = new InsertIntoCache(clock, cache);
    private final State pending = state(clock, StateType.PENDING);

    /** Cache entries in a map, with their expiry. */
    static final class MapCache implements CachedResults {
        record Entry(PersistedResult result, long expires) {}

        final Map<String, Entry> entries = new HashMap<>();

        @Override
        public Optional<PersistedResult> find(String key, long now) {
            Entry e = entries.get(key);
            return e == null || now >= e.expires ? Optional.empty() : Optional.of(e.result);
        }

        @Override
        public void insert(String key, PersistedResult result, long expires) {
            entries.put(key, new Entry(result, expires));
        }
    }

    record Result(Object value) implements PersistedResult {
        @Override public String location() { return "results/" + value; }
        @Override public String serializer() { return "json"; }
        @Override public Object load() { return value; }
    }

    private static Transition.Context keyed(String key, boolean refresh, Duration expiration) {
        return new Transition.Context(0, null, new Transition.Caching(key, refresh, expiration));
    }

    private State completedWith(Object value) {
        return State.of(StateType.COMPLETED, null, clock.epochNanos(), null, new Result(value));
    }

    @Test
    void aValidEntryAnswersRunningWithCached() {
        cache.insert("k", new Result(42), CachedResults.NEVER);

        Decision d = retrieve.before(task(pending, state(clock, StateType.RUNNING), keyed("k", false, null)));

        assertThat(d).isInstanceOf(Decision.Reject.class);
        assertThat(d.state().isCached()).isTrue();
        assertThat(d.state()).hasToString("Cached()");
        assertThat(d.state().result()).isEqualTo(42);
        assertThat(d.state().persistedResult()).contains(new Result(42));
        assertThat(((Decision.Reject) d).reason()).isEqualTo("A valid cache entry exists for key 'k'");
    }

    @Test
    void aMissOrAnExpiredEntryRuns() {
        State running = state(clock, StateType.RUNNING);
        cache.insert("k", new Result(42), clock.epochNanos() + Duration.ofMinutes(1).toNanos());

        assertThat(retrieve.before(task(pending, running, keyed("other", false, null)))).isEqualTo(Decision.accept(running));
        clock.advance(Duration.ofMinutes(1));
        assertThat(retrieve.before(task(pending, running, keyed("k", false, null)))).isEqualTo(Decision.accept(running));
    }

    @Test
    void anEntryThatCannotBeReadFailsTheRunWithTheCachesMessage() {
        IllegalStateException unreadable = new IllegalStateException("The cache entry for key 'k' cannot be used: ...");
        CachedResults broken = new CachedResults() {
            @Override
            public Optional<PersistedResult> find(String key, long now) {
                throw unreadable;
            }

            @Override
            public void insert(String key, PersistedResult result, long expires) {}
        };

        Decision d = new RetrieveFromCache(clock, broken).before(task(pending, state(clock, StateType.RUNNING), keyed("k", false, null)));

        assertThat(d).isInstanceOf(Decision.Reject.class);
        assertThat(d.state().type()).isEqualTo(StateType.FAILED);
        assertThat(d.state().message()).contains(unreadable.getMessage());
        assertThat(d.state().cause()).containsSame(unreadable);
    }

    @Test
    void refreshingRunsWithoutLooking() {
        State running = state(clock, StateType.RUNNING);
        cache.insert("k", new Result(42), CachedResults.NEVER);

        assertThat(retrieve.before(task(pending, running, keyed("k", true, null)))).isEqualTo(Decision.accept(running));
    }

    @Test
    void withoutAKeyTheCacheIsNotUsed() {
        State running = state(clock, StateType.RUNNING);
        cache.insert("k", new Result(42), CachedResults.NEVER);

        assertThat(retrieve.before(task(pending, running))).isEqualTo(Decision.accept(running));
        assertThat(retrieve.before(task(pending, running, keyed(null, false, null)))).isEqualTo(Decision.accept(running));
    }

    @Test
    void aCompletedRunBecomesTheEntryUntilItsExpiration() {
        State completed = completedWith("v");
        Transition t = task(state(clock, StateType.RUNNING), completed, keyed("k", false, Duration.ofSeconds(30)));

        insert.after(t, completed);

        assertThat(cache.entries.get("k")).isEqualTo(new MapCache.Entry(new Result("v"),
                clock.epochNanos() + Duration.ofSeconds(30).toNanos()));
        clock.advance(Duration.ofSeconds(29));
        assertThat(cache.find("k", clock.epochNanos())).contains(new Result("v"));
        clock.advance(Duration.ofSeconds(1));
        assertThat(cache.find("k", clock.epochNanos())).isEmpty();
    }

    @Test
    void anEntryWithoutExpirationNeverExpires() {
        State completed = completedWith("v");

        insert.after(task(state(clock, StateType.RUNNING), completed, keyed("k", true, null)), completed);

        assertThat(cache.entries.get("k").expires()).isEqualTo(CachedResults.NEVER);
    }

    @Test
    void onlyRealCompletionsWithAResultAreInserted() {
        Transition.Context context = keyed("k", false, null);
        State running = state(clock, StateType.RUNNING);
        State cached = State.of(StateType.COMPLETED, "Cached", clock.epochNanos(), null, new Result(1));
        State failed = state(clock, StateType.FAILED);
        State notPersisted = state(clock, StateType.COMPLETED);

        insert.after(task(pending, running, context), cached);
        insert.after(task(running, failed, context), failed);
        insert.after(task(running, notPersisted, context), notPersisted);
        insert.after(task(running, completedWith(1)), completedWith(1)); // no key

        assertThat(cache.entries).isEmpty();
    }
}
