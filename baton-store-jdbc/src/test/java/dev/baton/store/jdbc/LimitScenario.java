package dev.baton.store.jdbc;

import dev.baton.ConcurrentExecutor;
import dev.baton.Flow;
import dev.baton.Flow0;
import dev.baton.Task;
import dev.baton.Task1;
import dev.baton.TaskFuture;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The workload of the tests of concurrency limits kept by a store (the database's here, the API
 * server's in the client's tests, from the test jar): four task runs tagged {@value #TAG} and four
 * untagged ones, 150 ms each, all submitted at once; and what a limit of 1 on the tag must give,
 * checked on the [RUNNING, end] intervals (nanoseconds) that each test reads from its own records.
 */
public final class LimitScenario {
    /** The tag of the limited task runs (task name {@code query}; the others are named {@code plain}). */
    public static final String TAG = "db";
    /** What a flow of {@link #fourTaggedAndFourPlain} returns. */
    public static final int RESULT = 12;
    private static final Task1<Integer, Integer> QUERY = Task.named("query").tags(TAG).of(x -> {
        sleep(150);
        return x;
    });
    private static final Task1<Integer, Integer> PLAIN = Task.named("plain").of(x -> {
        sleep(150);
        return x;
    });

    private LimitScenario() {}

    /** A flow submitting four {@code query} and four {@code plain} task runs at once; it returns {@link #RESULT}. */
    public static Flow0<Integer> fourTaggedAndFourPlain(String name) {
        return Flow.named(name).executor(new ConcurrentExecutor()).of(() -> {
            List<TaskFuture<Integer>> all = new ArrayList<>();
            for (int i = 0; i < 4; i++) all.add(QUERY.submit(i));
            for (int i = 0; i < 4; i++) all.add(PLAIN.submit(i));
            int sum = 0;
            for (TaskFuture<Integer> f : all) sum += f.result();
            return sum;
        });
    }

    /** One {@code query} called, then one {@code plain}: a flow body that returns {@code 8}. */
    public static int oneOfEach() {
        return QUERY.call(7) + PLAIN.call(1);
    }

    /** The task runs of these [start, end] intervals ran one at a time: none started before the last had ended. */
    public static void assertOneAtATime(List<long[]> intervals) {
        List<long[]> sorted = new ArrayList<>(intervals);
        sorted.sort((x, y) -> Long.compare(x[0], y[0]));
        for (int i = 1; i < sorted.size(); i++) {
            assertThat(sorted.get(i)[0]).as("run %d started after run %d ended", i, i - 1)
                    .isGreaterThanOrEqualTo(sorted.get(i - 1)[1]);
        }
    }

    /** The task runs of these intervals were all running at one moment: the limit held none of them back. */
    public static void assertAllAtOnce(List<long[]> intervals) {
        long lastStart = intervals.stream().mapToLong(i -> i[0]).max().orElseThrow();
        long firstEnd = intervals.stream().mapToLong(i -> i[1]).min().orElseThrow();
        assertThat(lastStart).as("untagged task runs are not held back").isLessThan(firstEnd);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
