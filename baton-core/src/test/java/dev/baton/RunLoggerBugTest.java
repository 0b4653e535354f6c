package dev.baton;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Baton.logger() (internal.logging.RunLogger extends slf4j AbstractLogger) loses SLF4J 2 features:
 * the fluent API's key-value pairs are flattened into the message text, and the caller data that
 * appenders compute (%caller, %file, %line, %method) points at RunLogger, not at the user's code.
 */
class RunLoggerBugTest {

    /** An appender that reads what appenders read at append time (caller data is computed lazily then). */
    static final class Recorder extends AppenderBase<ILoggingEvent> {
        final List<String> messages = new CopyOnWriteArrayList<>();
        final List<Map<String, Object>> keyValues = new CopyOnWriteArrayList<>();
        final List<StackTraceElement> callers = new CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent e) {
            messages.add(e.getFormattedMessage());
            List<KeyValuePair> kvs = e.getKeyValuePairs() == null ? List.of() : e.getKeyValuePairs();
            keyValues.add(kvs.stream().collect(Collectors.toMap(kv -> kv.key, kv -> kv.value, (a, b) -> b)));
            StackTraceElement[] cd = e.getCallerData();
            callers.add(cd.length == 0 ? null : cd[0]);
        }
    }

    private final Logger taskRuns = (Logger) LoggerFactory.getLogger("dev.baton.task_runs");
    private final Recorder recorder = new Recorder();
    private Level level;

    @BeforeEach
    void attach() {
        level = taskRuns.getLevel();
        taskRuns.setLevel(Level.INFO);
        recorder.start();
        taskRuns.addAppender(recorder);
    }

    @AfterEach
    void detach() {
        taskRuns.detachAppender(recorder);
        taskRuns.setLevel(level);
    }

    @Test
    void fluentKeyValuesStayKeyValuePairs() {
        Task0<Integer> load = Task.named("load").of(() -> {
            Baton.logger().atInfo().addKeyValue("rows", 5).log("loaded {}", "file");
            return 1;
        });

        Support.completed(Flow.named("f").procedure(load::call).run());

        int i = recorder.messages.indexOf("Task run 'load-0' - loaded file");
        assertThat(i).as("messages: %s", recorder.messages).isNotNegative();
        assertThat(recorder.keyValues.get(i)).containsEntry("rows", 5).containsEntry("task_run_name", "load-0");
    }

    @Test
    void callerDataPointsAtTheCallingCode() {
        Task0<Integer> load = Task.named("load").of(() -> {
            Baton.logger().info("hello");
            return 1;
        });

        Support.completed(Flow.named("f").procedure(load::call).run());

        int i = recorder.messages.indexOf("Task run 'load-0' - hello");
        assertThat(i).as("messages: %s", recorder.messages).isNotNegative();
        assertThat(recorder.callers.get(i)).isNotNull();
        assertThat(recorder.callers.get(i).getClassName()).isEqualTo(RunLoggerBugTest.class.getName());
    }
}
