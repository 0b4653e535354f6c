package dev.baton;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static dev.baton.Support.completed;
import static org.assertj.core.api.Assertions.assertThat;

/** Run logging: the engine's lines, Baton.logger() lines with run key-values, and lazy formatting. */
class RunLoggingTest {

    private final Logger taskRuns = (Logger) LoggerFactory.getLogger("dev.baton.task_runs");
    private final Logger flowRuns = (Logger) LoggerFactory.getLogger("dev.baton.flow_runs");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private Level taskRunsLevel, flowRunsLevel;

    private final Task2<Integer, Integer, Integer> add = Task.named("add").of((a, b) -> a + b);

    @BeforeEach
    void attach() {
        taskRunsLevel = taskRuns.getLevel();
        flowRunsLevel = flowRuns.getLevel();
        taskRuns.setLevel(Level.INFO);
        flowRuns.setLevel(Level.INFO);
        appender.start();
        taskRuns.addAppender(appender);
        flowRuns.addAppender(appender);
    }

    @AfterEach
    void detach() {
        taskRuns.detachAppender(appender);
        flowRuns.detachAppender(appender);
        taskRuns.setLevel(taskRunsLevel);
        flowRuns.setLevel(flowRunsLevel);
    }

    private List<String> messages() {
        return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    private ILoggingEvent event(String message) {
        return appender.list.stream().filter(e -> e.getFormattedMessage().equals(message)).findFirst()
                .orElseThrow(() -> new AssertionError("no event '" + message + "' in " + messages()));
    }

    private static Map<String, Object> keyValues(ILoggingEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (e.getKeyValuePairs() != null) for (KeyValuePair kv : e.getKeyValuePairs()) m.put(kv.key, kv.value);
        return m;
    }

    // ----- the engine's lines -----

    @Test
    void flowRunLogsItsTaskRunsAndItsFinalState() {
        Flow0<Void> flow = Flow.named("logged").procedure(() -> add.call(1, 2));

        FlowRun<Void> run = completed(flow.run());

        String prefix = "Flow run '" + run.name() + "' - ";
        assertThat(messages()).containsExactly(
                "Created flow run '" + run.name() + "' for flow 'logged'",
                prefix + "Using executor SequentialExecutor",
                prefix + "Created task run 'add-0' for task 'add'",
                "Task run 'add-0' - Finished in state Completed()",
                prefix + "Finished in state Completed('All states completed.')");
        assertThat(event("Task run 'add-0' - Finished in state Completed()").getLoggerName()).isEqualTo("dev.baton.task_runs");
        assertThat(event(prefix + "Finished in state Completed('All states completed.')").getLoggerName())
                .isEqualTo("dev.baton.flow_runs");
    }

    @Test
    void engineLinesCarryTheRunIds() {
        Flow0<Void> flow = Flow.named("logged").procedure(() -> add.call(1, 2));

        FlowRun<Void> run = completed(flow.run());

        TaskRun tr = run.taskRuns().getFirst();
        assertThat(keyValues(event("Task run 'add-0' - Finished in state Completed()"))).containsExactly(
                Map.entry("flow_run_id", run.id()), Map.entry("flow_run_name", run.name()),
                Map.entry("task_run_id", tr.id()), Map.entry("task_run_name", "add-0"));
        assertThat(keyValues(event("Flow run '" + run.name() + "' - Finished in state Completed('All states completed.')")))
                .containsExactly(Map.entry("flow_run_id", run.id()), Map.entry("flow_run_name", run.name()));
    }

    @Test
    void failuresAreLoggedAtErrorWithTheCause() {
        IllegalStateException error = new IllegalStateException("x");
        Task0<Integer> boom = Task.named("boom").of(() -> {
            throw error;
        });
        Flow0<Void> flow = Flow.named("logged").procedure(() -> boom.submit());

        FlowRun<Void> run = flow.run();

        ILoggingEvent task = event("Task run 'boom-0' - Finished in state Failed('Task run encountered an exception:"
                + " IllegalStateException: x')");
        assertThat(task.getLevel()).isEqualTo(Level.ERROR);
        assertThat(task.getThrowableProxy().getMessage()).isEqualTo("x");
        ILoggingEvent flowEvent = event("Flow run '" + run.name() + "' - Finished in state Failed('1/1 states failed.')");
        assertThat(flowEvent.getLevel()).isEqualTo(Level.ERROR);
    }

    /** {@code e} as the CLI's console prints it (its logback.xml pattern). */
    private static String onTheConsole(ILoggingEvent e) {
        ch.qos.logback.classic.PatternLayout layout = new ch.qos.logback.classic.PatternLayout();
        layout.setContext((ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory());
        layout.setPattern("%d{HH:mm:ss.SSS} | %-5level | %msg%n");
        layout.start();
        return layout.doLayout(e);
    }

    @Test
    void aFlowBodysExceptionIsLoggedWithItsStackTrace() {
        Flow1<String, Integer> flow = Flow.named("npe").of(s -> s.length());

        FlowRun<Integer> run = flow.run((String) null);

        ILoggingEvent e = event("Flow run '" + run.name() + "' - Finished in state " + run.state());
        assertThat(run.state().toString()).startsWith("Failed('Flow run encountered an exception: NullPointerException: ");
        assertThat(e.getLevel()).isEqualTo(Level.ERROR);
        assertThat(e.getThrowableProxy()).as("the exception goes with the line").isNotNull();
        assertThat(e.getThrowableProxy().getClassName()).isEqualTo("java.lang.NullPointerException");
        assertThat(onTheConsole(e)).contains("Finished in state Failed(", "java.lang.NullPointerException",
                "\tat dev.baton.RunLoggingTest.lambda$aFlowBodysExceptionIsLoggedWithItsStackTrace$");
    }

    @Test
    void eachFailedAttemptOfARetriedFlowIsLoggedWithItsStackTrace() {
        AtomicInteger attempts = new AtomicInteger();
        Flow0<Integer> flow = Flow.named("flaky").retries(1).of(() -> {
            throw new IllegalStateException("attempt " + attempts.incrementAndGet());
        });

        FlowRun<Integer> run = flow.run();

        ILoggingEvent first = appender.list.stream().filter(x -> x.getFormattedMessage().contains("Attempt 1 failed"))
                .findFirst().orElseThrow(() -> new AssertionError("no 'Attempt 1 failed' in " + messages()));
        assertThat(first.getLevel()).isEqualTo(Level.WARN);
        assertThat(first.getThrowableProxy().getMessage()).isEqualTo("attempt 1");
        ILoggingEvent last = event("Flow run '" + run.name() + "' - Finished in state " + run.state());
        assertThat(last.getThrowableProxy().getMessage()).isEqualTo("attempt 2");
    }

    @Test
    void aFlowRunJudgedByItsTaskRunsLogsNoStackTraceOfItsOwn() {
        Task0<Integer> boom = Task.named("boom").of(() -> {
            throw new IllegalStateException("x");
        });
        FlowRun<Void> run = Flow.named("logged").procedure(() -> boom.submit()).run();

        assertThat(event("Flow run '" + run.name() + "' - Finished in state Failed('1/1 states failed.')")
                .getThrowableProxy()).as("the task run's line has it already").isNull();
    }

    @Test
    void aCancelledFlowRunIsLoggedAtInfoNotAsAnError() throws Exception {
        java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1);
        Task0<Integer> block = Task.named("block").of(() -> {
            running.countDown();
            new java.util.concurrent.CountDownLatch(1).await();
            return 1;
        });
        FlowRunHandle<Integer> handle = Flow.named("logged").of(block::call).start();
        running.await();
        assertThat(handle.cancel()).isTrue();
        FlowRun<Integer> run = handle.await();

        assertThat(run.state().type()).isEqualTo(StateType.CANCELLED);
        ILoggingEvent flowEvent = appender.list.stream().filter(e -> e.getFormattedMessage()
                .startsWith("Flow run '" + run.name() + "' - Finished in state Cancelled")).findFirst().orElseThrow();
        assertThat(flowEvent.getLevel()).isEqualTo(Level.INFO);
        ILoggingEvent taskEvent = appender.list.stream().filter(e -> e.getFormattedMessage()
                .startsWith("Task run 'block-0' - Finished in state Cancelled")).findFirst().orElseThrow();
        assertThat(taskEvent.getLevel()).isEqualTo(Level.INFO);
    }

    // ----- logPrints -----

    @Test
    void aFlowWithLogPrintsLogsWhatItsBodyAndItsTaskRunsPrint() {
        Task0<Integer> shout = Task.named("shout").of(() -> {
            System.out.println("hello from the task");
            return 1;
        });
        Flow0<Integer> flow = Flow.named("printing").logPrints(true).of(() -> {
            System.out.print("hello from the flow");
            return shout.call();
        });

        FlowRun<Integer> run = completed(flow.run());

        assertThat(event("Task run 'shout-0' - hello from the task").getLevel()).isEqualTo(Level.INFO);
        assertThat(event("Flow run '" + run.name() + "' - hello from the flow").getLevel()).isEqualTo(Level.INFO);
    }

    @Test
    void aFlowWithoutLogPrintsLeavesItsPrintsOnStandardOutput() {
        Flow.named("printing").logPrints(true).of(() -> 1); // the capture is installed: it must not take these
        Flow0<Integer> plain = Flow.named("plain").of(() -> {
            System.out.println("a plain print");
            return 1;
        });

        completed(plain.run());

        assertThat(messages()).noneMatch(m -> m.contains("a plain print"));
    }

    // ----- Baton.logger() -----

    @Test
    void loggerInsideATaskPrefixesTheTaskRunAndCarriesItsIds() {
        Task2<Integer, Integer, Integer> loud = Task.named("add").of((a, b) -> {
            Baton.logger().info("x {}", 1);
            return a + b;
        });
        Flow0<Integer> flow = Flow.named("logged").of(() -> loud.call(1, 2));

        FlowRun<Integer> run = completed(flow.run());

        ILoggingEvent e = event("Task run 'add-0' - x 1");
        assertThat(e.getLevel()).isEqualTo(Level.INFO);
        assertThat(e.getLoggerName()).isEqualTo("dev.baton.task_runs");
        assertThat(keyValues(e)).containsEntry("task_run_name", "add-0")
                .containsEntry("flow_run_name", run.name())
                .containsEntry("flow_run_id", run.id())
                .containsEntry("task_run_id", run.taskRuns().getFirst().id());
    }

    @Test
    void loggerInsideAFlowBodyPrefixesTheFlowRun() {
        Flow0<Void> flow = Flow.named("logged").procedure(() -> Baton.logger().warn("careful: {} and {}", "a", 2));

        FlowRun<Void> run = completed(flow.run());

        ILoggingEvent e = event("Flow run '" + run.name() + "' - careful: a and 2");
        assertThat(e.getLevel()).isEqualTo(Level.WARN);
        assertThat(e.getLoggerName()).isEqualTo("dev.baton.flow_runs");
        assertThat(keyValues(e)).containsExactly(Map.entry("flow_run_id", run.id()), Map.entry("flow_run_name", run.name()));
    }

    @Test
    void loggerPassesThrowables() {
        RuntimeException error = new RuntimeException("oops");
        Task0<Integer> t = Task.named("t").of(() -> {
            Baton.logger().error("failed {}", "here", error);
            return 1;
        });

        completed(Flow.named("logged").procedure(t::call).run());

        ILoggingEvent e = event("Task run 't-0' - failed here");
        assertThat(e.getThrowableProxy().getMessage()).isEqualTo("oops");
    }

    @Test
    void loggerOfAConcurrentTaskRunNamesItsOwnRun() {
        Task1<Integer, Integer> t = Task.named("t").of(i -> {
            Baton.logger().info("item {}", i);
            return i;
        });
        Flow0<Void> flow = Flow.named("logged").executor(new ConcurrentExecutor()).procedure(() -> {
            for (int i = 0; i < 5; i++) t.submit(i);
        });

        completed(flow.run());

        for (int i = 0; i < 5; i++) {
            assertThat(keyValues(event("Task run 't-" + i + "' - item " + i))).containsEntry("task_run_name", "t-" + i);
        }
    }

    @Test
    void loggerInAnAsyncTaskContinuationNamesTheTaskRun() {
        AsyncTask1<String, String> printValue = Task.named("print_value").async(v ->
                Async.sleep(Duration.ofMillis(5)).thenApply(x -> {
                    Baton.logger().info("printing {}", v);
                    return v;
                }));
        AsyncFlow0<String> flow = Flow.named("f").async(() -> printValue.call("a"));

        FlowRun<String> run = completed(flow.run());

        ILoggingEvent e = event("Task run 'print_value-0' - printing a");
        assertThat(e.getLoggerName()).isEqualTo("dev.baton.task_runs");
        assertThat(keyValues(e)).containsEntry("task_run_name", "print_value-0").containsEntry("flow_run_name", run.name());
    }

    @Test
    void braceInATaskNameIsNotAPlaceholder() {
        Task0<Integer> parse = Task.named("parse{}").of(() -> {
            Baton.logger().info("got {}", 7);
            return 7;
        });

        completed(Flow.named("f").procedure(parse::call).run());

        assertThat(messages()).contains("Task run 'parse{}-0' - got 7", "Task run 'parse{}-0' - Finished in state Completed()");
    }

    // ----- lazy formatting -----

    @Test
    void disabledLevelNeverFormatsArguments() {
        AtomicInteger formatted = new AtomicInteger();
        Object expensive = new Object() {
            @Override
            public String toString() {
                formatted.incrementAndGet();
                return "expensive";
            }
        };
        taskRuns.setLevel(Level.WARN);
        AtomicReference<Boolean> infoEnabled = new AtomicReference<>();
        Task0<Integer> t = Task.named("t").of(() -> {
            infoEnabled.set(Baton.logger().isInfoEnabled());
            Baton.logger().info("value {}", expensive);
            Baton.logger().debug("value {} {}", expensive, expensive);
            Baton.logger().info("values {} {} {}", expensive, expensive, expensive);
            return 1;
        });

        completed(Flow.named("quiet").procedure(t::call).run());

        assertThat(formatted.get()).isZero();
        assertThat(infoEnabled.get()).isFalse();
        assertThat(appender.list).noneMatch(e -> e.getLoggerName().equals("dev.baton.task_runs"));
    }

    @Test
    void enabledLevelFormatsTheArgumentWhenRead() {
        AtomicInteger formatted = new AtomicInteger();
        Object counted = new Object() {
            @Override
            public String toString() {
                formatted.incrementAndGet();
                return "counted";
            }
        };
        Task0<Integer> t = Task.named("t").of(() -> {
            Baton.logger().info("value {}", counted);
            return 1;
        });

        completed(Flow.named("loud").procedure(t::call).run());

        assertThat(event("Task run 't-0' - value counted")).isNotNull();
        assertThat(formatted.get()).isPositive();
    }

    @Test
    void engineLogsNothingBelowItsLevel() {
        taskRuns.setLevel(Level.WARN);
        flowRuns.setLevel(Level.WARN);

        completed(Flow.named("quiet").procedure(() -> add.call(1, 2)).run());

        assertThat(appender.list).isEmpty();
    }
}
