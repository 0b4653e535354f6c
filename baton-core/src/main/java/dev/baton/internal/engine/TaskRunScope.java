package dev.baton.internal.engine;

import java.util.function.BiConsumer;

/**
 * Where a task run's body runs: its log lines name the run, and a task called from the body is
 * refused, naming the run. The innermost part of the one object that stands for a task run in
 * flight ({@link TaskRunInFlight} drives the run, {@link TaskRunFuture} is what the caller holds),
 * so that entering a task run's scope costs nothing of its own.
 */
abstract sealed class TaskRunScope extends RunScope permits TaskRunInFlight {
    final FlowRunEngine engine;
    final TaskRunRecord record;

    TaskRunScope(FlowRunEngine engine, TaskRunRecord record) {
        this.engine = engine;
        this.record = record;
    }

    TaskRunRecord record() {
        return record;
    }

    @Override
    FlowRunEngine engine() {
        return engine;
    }

    @Override
    TaskRunScope currentTaskRun() {
        return this;
    }

    @Override
    String taskRunName() {
        return record.name();
    }

    @Override
    public String logPrefix() {
        return "Task run '" + record.name() + "' - ";
    }

    @Override
    public void describeTo(BiConsumer<String, Object> keyValues) {
        engine.describeTo(keyValues);
        keyValues.accept("task_run_id", record.id());
        keyValues.accept("task_run_name", record.name());
    }
}
