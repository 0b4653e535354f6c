package dev.baton.internal.engine;

import dev.baton.State;
import dev.baton.TaskRun;
import dev.baton.spi.Ids;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The kept record of a task run. Deliberately small: the name is derived from the task and
 * the run's index, and no arguments or results are held, so a million records stay cheap.
 */
final class TaskRunRecord extends RunRecord implements TaskRun {
    private final TaskDefinition task;
    private final FlowRunRecord<?> flowRun;
    private final int index;
    private final int position;
    private final TaskRunRecord[] upstream;
    private static final VarHandle RUN;

    static {
        try {
            RUN = MethodHandles.lookup().findVarHandle(TaskRunRecord.class, "run", TaskRunInFlight.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * What runs this task run (null for a subflow's stand-in): what a cancellation stops.
     * Published without a full fence: a cancellation that does not see it yet misses nothing, since
     * the run checks for a cancellation itself when its body starts.
     */
    @SuppressWarnings("unused") private TaskRunInFlight run;

    /**
     * A task run that is {@code pending} from the start (see {@link #announceFirst()}).
     *
     * @param index    the run's number among its task's runs in the flow run, for its name
     * @param position the call's position among its task's calls in the attempt (see {@link CallCounts})
     */
    TaskRunRecord(TaskDefinition task, FlowRunRecord<?> flowRun, int index, int position, TaskRunRecord[] upstream,
                  State pending) {
        super(Ids.msb(), Ids.lsb(), pending);
        this.task = task;
        this.flowRun = flowRun;
        this.index = index;
        this.position = position;
        this.upstream = upstream;
    }

    @Override
    void recorded(State state) {
        flowRun.store().taskRunState(this, state);
    }

    TaskDefinition task() {
        return task;
    }

    @Override
    public String name() {
        return task.name() + "-" + index;
    }

    /** Makes {@code run} what runs this task run. */
    void runBy(TaskRunInFlight run) {
        RUN.setRelease(this, run);
    }

    /** What runs this task run, or null (a subflow's stand-in, or one not yet visible here). */
    TaskRunInFlight inFlight() {
        return (TaskRunInFlight) RUN.getAcquire(this);
    }

    @Override
    public int callPosition() {
        return position;
    }

    @Override
    public String taskName() {
        return task.name();
    }

    @Override
    public java.util.Optional<String> taskVersion() {
        return java.util.Optional.ofNullable(task.version());
    }

    @Override
    public Set<String> tags() {
        return task.tags();
    }

    @Override
    public UUID flowRunId() {
        return flowRun.id();
    }

    @Override
    public List<TaskRun> upstream() {
        return upstream == null ? List.of() : List.of(upstream);
    }

    @Override
    public String toString() {
        return "TaskRun[" + name() + ", " + state() + "]";
    }
}
