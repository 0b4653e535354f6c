package dev.baton.internal.results;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.CacheKeyFunction;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class InputHashTest {
    private final CacheKeyFunction inputs = CacheKeyFunction.inputs();
    private final TestTaskRun fetch = TestTaskRun.of("fetch");

    enum Color { RED, GREEN, BLUE }

    record Query(String table, Map<String, Object> filter, Set<Color> colors) {}

    private String key(TestTaskRun run, Object... args) {
        return inputs.key(run, Arrays.asList(args));
    }

    @Test
    void isTheSameForEqualInputs() {
        String a = key(fetch, "users", 3, List.of(1L, 2L), new Query("t", Map.of("a", 1), Set.of(Color.RED)));
        String b = key(TestTaskRun.of("fetch"), "users", 3, new ArrayList<>(List.of(1L, 2L)),
                new Query("t", new TreeMap<>(Map.of("a", 1)), EnumSet.of(Color.RED)));

        assertThat(a).isEqualTo(b).hasSize(64).matches("[0-9a-f]{64}");
    }

    @Test
    void doesNotDependOnTheRunOfTheTask() {
        assertThat(key(new TestTaskRun("fetch", 1), "x")).isEqualTo(key(new TestTaskRun("fetch", 2), "x"));
    }

    @Test
    void isStableAcrossRuns() {
        // Pinned: a change here invalidates every user's cache, so it must be deliberate.
        assertThat(key(fetch, "users", 3, null, Map.of("b", 2, "a", List.of(true))))
                .isEqualTo(Sha256.hex("[\"fetch\",[\"users\",3,null,{\"a\":[true],\"b\":2}]]"));
    }

    @Test
    void differsForDifferentInputs() {
        assertThat(key(fetch, "users")).isNotEqualTo(key(fetch, "orders"));
        assertThat(key(fetch, 1)).isNotEqualTo(key(fetch, 1.0));
        assertThat(key(fetch, List.of(1, 2))).isNotEqualTo(key(fetch, List.of(2, 1)));
        assertThat(key(fetch, "a", "b")).isNotEqualTo(key(fetch, "ab"));
        assertThat(key(fetch)).isNotEqualTo(key(fetch, (Object) null));
        assertThat(key(fetch, LocalDate.of(2024, 1, 1))).isNotEqualTo(key(fetch, LocalDate.of(2024, 1, 2)));
    }

    @Test
    void differsForDifferentTasks() {
        assertThat(key(fetch, "x")).isNotEqualTo(key(TestTaskRun.of("store"), "x"));
    }

    @Test
    void ignoresTheOrderOfMapEntriesAndSetElements() {
        Map<String, Object> ab = new LinkedHashMap<>();
        ab.put("a", 1);
        ab.put("b", Map.of("y", 2, "x", 1));
        Map<String, Object> ba = new LinkedHashMap<>();
        ba.put("b", new TreeMap<>(Map.of("x", 1, "y", 2)));
        ba.put("a", 1);
        assertThat(key(fetch, ab)).isEqualTo(key(fetch, ba));

        // A HashSet of enums iterates in identity-hash order, which changes from JVM to JVM.
        Set<Color> colors = new HashSet<>(List.of(Color.BLUE, Color.RED, Color.GREEN));
        assertThat(key(fetch, colors)).isEqualTo(key(fetch, EnumSet.allOf(Color.class)));
        assertThat(key(fetch, Set.of("q", "p"))).isEqualTo(key(fetch, new java.util.TreeSet<>(Set.of("p", "q"))));
    }

    @Test
    void handlesOptionalsAndTimes() {
        assertThat(key(fetch, Optional.of(LocalDate.of(2024, 5, 1)))).isEqualTo(key(fetch, Optional.of(LocalDate.parse("2024-05-01"))));
        assertThat(key(fetch, Optional.empty())).isNotEqualTo(key(fetch, Optional.of("")));
    }

    static final class Opaque {}

    @Test
    void isNullForArgumentsWithoutJsonForm() {
        Supplier<String> lambda = () -> "x";
        List<Object> cycle = new ArrayList<>();
        cycle.add(cycle);

        assertThat(key(fetch, new Opaque())).isNull();
        assertThat(key(fetch, Thread.currentThread())).isNull();
        assertThat(key(fetch, lambda)).isNull();
        assertThat(key(fetch, List.of("fine", new Opaque()))).isNull();
        assertThat(key(fetch, cycle)).isNull();
    }
}
