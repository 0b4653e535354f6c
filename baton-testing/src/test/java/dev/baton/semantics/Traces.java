package dev.baton.semantics;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.baton.FlowRun;
import dev.baton.State;
import dev.baton.TaskRun;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Small helpers shared by the semantics tests: state-name traces, bounded waits, log capture. */
final class Traces {
    /** The longest any test waits for something that should happen at once. */
    static final Duration PATIENCE = Duration.ofSeconds(5);

    private Traces() {}

    static List<String> names(List<State> history) {
        return history.stream().map(State::name).toList();
    }

    static List<String> names(TaskRun run) {
        return names(run.history());
    }

    static List<String> names(FlowRun<?> run) {
        return names(run.history());
    }

    /** Waits for {@code latch}, failing the test (not hanging) if it does not open in time. */
    static void await(CountDownLatch latch, String what) {
        try {
            assertThat(latch.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)).as(what).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError("interrupted while waiting for " + what, e);
        }
    }

    /** Polls {@code condition} until it holds, failing the test if it does not within {@link #PATIENCE}. */
    static void until(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what);
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                throw new AssertionError("interrupted while waiting until " + what, e);
            }
        }
    }

    /** The one task run of {@code run} called {@code name}. */
    static TaskRun taskRun(FlowRun<?> run, String name) {
        return run.taskRuns().stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no task run " + name + " in " + run.taskRuns()));
    }

    /** Captures what a logger logs while open. */
    static final class CapturedLog implements AutoCloseable {
        private final Logger logger;
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

        CapturedLog(String loggerName) {
            logger = (Logger) LoggerFactory.getLogger(loggerName);
            appender.start();
            logger.addAppender(appender);
        }

        List<String> messages() {
            synchronized (appender.list) {
                return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
            }
        }

        @Override
        public void close() {
            logger.detachAppender(appender);
        }
    }
}
