package dev.baton.server;

import dev.baton.StateType;
import dev.baton.spi.FlowRunSummary;
import dev.baton.spi.Ids;
import dev.baton.spi.LogLine;
import dev.baton.spi.RunEvent;
import dev.baton.spi.StateRecord;
import dev.baton.spi.TaskRunDetail;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Everything the API records: batches of events reported by processes in client mode, runs
 * created through the API, and states proposed through {@code set_state}, decided by the
 * orchestration rules. Each state is decided and queued for the store under its run's lock (see
 * {@link ActiveRuns}), so the queue holds every run's states in the order they were decided and
 * a run that reached a terminal state records nothing more.
 */
final class RunRecorder {
    private static final StateRules TERMINAL_GUARD = new TerminalGuard();
    /** {@code force}: the state is recorded as proposed, whatever the current one (Prefect's force). */
    private static final StateRules FORCED = (run, proposed, recorder) -> {
        recorder.record(proposed);
        return Decision.accept(proposed);
    };

    private final ActiveRuns runs;
    private final EventSink sink;
    private final StateRules flowRules;
    private final StateRules taskRules;
    private final SharedSlots slots;
    private final Clock clock;
    /** The time of the last line posted through the API for each flow run, the most recent flow runs only. */
    private final Map<UUID, Long> lastPostedLog = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, Long> eldest) {
            return size() > 10_000;
        }
    };

    RunRecorder(ActiveRuns runs, EventSink sink, StateRules flowRules, StateRules taskRules, SharedSlots slots,
                Clock clock) {
        this.runs = runs;
        this.sink = sink;
        this.flowRules = flowRules;
        this.taskRules = taskRules;
        this.slots = slots;
        this.clock = clock;
    }

    /**
     * Runs {@code write} (which records through this recorder) and returns its answer once
     * everything it recorded is written to the database: an answer means durable.
     *
     * @throws ApiError 503 if the database could not write it (see {@link EventSink#awaitWritten})
     */
    <T> T durably(Supplier<T> write) {
        return sink.durably(write);
    }

    // ----- events from processes in client mode -----

    /**
     * Records a batch of events in order. Every event is checked first, so a malformed one (a
     * missing id, a time out of range) refuses the whole batch (400) and nothing of it is recorded;
     * text is cleaned, never refused (see {@link Checks}). Then each is applied: a state
     * for a run already in a terminal state, for an unknown run, or a creation sent twice is not
     * recorded and counted as rejected.
     */
    Bodies.Accepted apply(List<RunEvent> batch) {
        Instant now = clock.instant();
        List<RunEvent> checked = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) checked.add(Checks.event(i, batch.get(i), now));
        int accepted = 0;
        for (RunEvent event : checked) {
            if (apply(event)) accepted++;
        }
        return new Bodies.Accepted(accepted, checked.size() - accepted);
    }

    /**
     * Records log lines posted through the API (not by a flow process, whose engine gives each
     * line of a flow run its own time). The stores place a line in its flow run's log by its
     * time, so a line whose time is not past the last one posted for its flow run is moved a
     * nanosecond past it: two lines posted with the same time are both kept.
     */
    Bodies.Accepted applyPostedLogs(List<LogLine> lines) {
        List<RunEvent> events = new ArrayList<>(lines.size());
        for (LogLine line : lines) {
            LogLine placed = line;
            if (line != null && line.flowRunId() != null && line.timestamp() != null) {
                synchronized (lastPostedLog) {
                    long t = Math.max(nanos(line.timestamp()), lastPostedLog.getOrDefault(line.flowRunId(), 0L) + 1);
                    lastPostedLog.put(line.flowRunId(), t);
                    placed = new LogLine(line.flowRunId(), line.taskRunId(), Instant.ofEpochSecond(0, t), line.level(),
                            line.logger(), line.message());
                }
            }
            events.add(new RunEvent.Log(placed));
        }
        return apply(events);
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    private boolean apply(RunEvent event) {
        return switch (event) {
            case RunEvent.FlowRunCreated e -> create(new ActiveRuns.Run(e.id(), e.id(), true, e.name(), e.tags(), null), e);
            case RunEvent.TaskRunCreated e -> createTaskRun(e);
            case RunEvent.FlowRunState e -> runs.withRun(e.flowRunId(), true, run -> guarded(run, e.state(), e))
                    .orElse(false);
            case RunEvent.TaskRunState e -> runs.withRun(e.taskRunId(), false,
                    run -> run.flowRunId.equals(e.flowRunId()) && guarded(run, e.state(), e)).orElse(false);
            case RunEvent.FlowRunFinished e -> {
                sink.record(List.of(e));
                runs.flowRunFinished(e.id());
                yield true;
            }
            case RunEvent.Log e -> {
                sink.record(List.of(e));
                yield true;
            }
            case RunEvent.Heartbeat e -> {
                // stamped with when the server heard it: the sender is alive now, whatever its clock
                // says, and a heartbeat that waited in a client's outbox through an outage is fresh
                sink.record(List.of(new RunEvent.Heartbeat(e.flowRunIds(), clock.instant())));
                yield true;
            }
        };
    }

    /**
     * A state reported as entered: recorded unless the run is in a terminal state already. A
     * flow run cancelled here ({@link #cancelFlowRun}) reports its own CANCELLING when its process
     * learns of it: that is the state it is in, not a second one.
     */
    private boolean guarded(ActiveRuns.Run run, StateRecord state, RunEvent reported) {
        if (run.flow && state.type() == StateType.CANCELLING && run.state != null
                && run.state.type() == StateType.CANCELLING) {
            return true;
        }
        return TERMINAL_GUARD.decide(run, state, s -> {
            enter(run, s, reported);
            return null;
        }).status() == Decision.Status.ACCEPT;
    }

    /** Adds a new run and queues its creation, both under its lock: no state of it can be queued first. */
    private boolean create(ActiveRuns.Run run, RunEvent creation) {
        synchronized (run) {
            if (!runs.created(run)) return false;
            sink.record(List.of(creation));
            return true;
        }
    }

    /**
     * Adds a task run reported created. A flow run found crashed may still have its process's last
     * task runs in flight (a batch the server reads only after the crash timeout): they are
     * recorded, and crashed with it at once, as its task runs were; their later states are refused.
     * The flow run is looked at after the task run is added: a crash found meanwhile either sees
     * the task run (its creation is written before the crash is marked) or is seen here.
     */
    private boolean createTaskRun(RunEvent.TaskRunCreated e) {
        if (!create(new ActiveRuns.Run(e.id(), e.flowRunId(), false, e.name(), e.tags(), null), e)) return false;
        bumpOrdinal(e.flowRunId(), e.ordinal());
        if (!runs.isActive(e.flowRunId())) {
            String crashedParent = runs.withRun(e.flowRunId(), true, flow -> flow.state != null
                    && flow.state.type() == StateType.CRASHED ? flow.name : null).orElse(null);
            if (crashedParent != null) {
                StateRecord crashed = new StateRecord(StateType.CRASHED, "Crashed", clock.instant(), "Flow run '"
                        + crashedParent + "' had crashed when this task run was reported", null, null);
                runs.withRun(e.id(), false, run -> guarded(run, crashed,
                        new RunEvent.TaskRunState(e.flowRunId(), e.id(), crashed)));
            }
        }
        return true;
    }

    /** Keeps the flow run's next free ordinal past a reported one (for task runs created through the API later). */
    private void bumpOrdinal(UUID flowRunId, int ordinal) {
        runs.ifActive(flowRunId, flow -> {
            if (ordinal >= flow.nextOrdinal) flow.nextOrdinal = ordinal + 1;
        });
    }

    /**
     * Queues {@code state} as the run's new state; the caller holds the run's lock and has decided it.
     * {@code reported}: the event of a client's event stream that carries the state (recorded as
     * it is), or null. That stream lags behind the slots the client takes and gives back directly
     * (a retry's next attempt may hold a new slot by the time its AwaitingRetry arrives), so only
     * a final state releases slots there.
     */
    private void enter(ActiveRuns.Run run, StateRecord state, RunEvent reported) {
        sink.record(List.of(reported != null ? reported : run.flow ? new RunEvent.FlowRunState(run.id, state)
                : new RunEvent.TaskRunState(run.flowRunId, run.id, state)));
        StateRecord before = run.state;
        run.state = state;
        if (state.type() == StateType.RUNNING) run.runCount++;
        // a task run leaving RUNNING gives its concurrency slots back (through events: only when final)
        boolean left = before != null && before.type() == StateType.RUNNING && state.type() != StateType.RUNNING;
        if (!run.flow && (reported != null ? state.type().isFinal() : left)) {
            slots.leftRunning(run.id);
        }
    }

    // ----- the API's own calls -----

    /**
     * Decides {@code proposed} for a run by the orchestration rules (or, with {@code force},
     * accepts it as it is) and records it when accepted; empty when there is no such run.
     */
    Optional<Decision> setState(UUID id, boolean flow, StateRecord proposed, boolean force) {
        StateRecord state = Checks.state("state", proposed, clock.instant());
        StateRules rules = force ? FORCED : flow ? flowRules : taskRules;
        return runs.withRun(id, flow, run -> rules.decide(run, state, s -> {
            if (run.state != null && run.state.isFinal() && !force) return run.state;
            enter(run, s, null);
            return null;
        }));
    }

    /**
     * Asks a flow run to cancel, as {@code prefect flow-run cancel}: it goes CANCELLING (unless
     * it is already), and its process, which reads its runs' states with its heartbeats, stops it
     * and ends it CANCELLED. Empty when there is no such flow run.
     *
     * @throws ApiError 409 when the flow run has already finished
     */
    Optional<StateRecord> cancelFlowRun(UUID id) {
        return runs.withRun(id, true, run -> {
            if (run.state != null && run.state.isFinal()) {
                throw new ApiError(409, "Flow run " + (run.name == null ? "" : "'" + run.name + "' ") + "(" + id
                        + ") has already finished: it is " + run.state.name() + ", and only a flow run that has not"
                        + " finished can be cancelled");
            }
            if (run.state != null && run.state.type() == StateType.CANCELLING) return run.state;
            StateRecord cancelling = new StateRecord(StateType.CANCELLING, "Cancelling", clock.instant(), null, null,
                    null);
            enter(run, cancelling, null);
            return cancelling;
        });
    }

    /**
     * Cancels a deployment's scheduled run in the database ({@code cancel}: the history's
     * cancellation, which makes one no process has claimed CANCELLED at once, as the CLI does on
     * the database, and one claimed meanwhile CANCELLING), holding the run's lock, and gives the
     * server's view the state it took. Empty when there is no such flow run.
     *
     * @throws ApiError 409 when the flow run has already finished
     */
    Optional<FlowRunSummary> cancelScheduledRun(UUID id, Supplier<Optional<FlowRunSummary>> cancel) {
        return runs.holdingFlowRun(id, () -> {
            Optional<FlowRunSummary> done;
            try {
                done = cancel.get();
            } catch (IllegalStateException e) {
                throw new ApiError(409, e.getMessage());
            }
            done.map(FlowRunSummary::state).ifPresent(state -> runs.changedInDatabase(id, state));
            return done;
        });
    }

    /** The current state of each of {@code ids} this server knows, by id (the others left out). */
    java.util.Map<UUID, StateRecord> flowRunStates(List<UUID> ids) {
        java.util.Map<UUID, StateRecord> states = new java.util.LinkedHashMap<>();
        for (UUID id : ids) {
            runs.withRun(id, true, run -> run.state).ifPresent(state -> states.put(id, state));
        }
        return states;
    }

    /**
     * Creates a flow run (id, name and creation time given here when missing).
     *
     * @throws ApiError 400 for a bad field, 409 when a run with its id exists
     */
    FlowRunSummary createFlowRun(Bodies.FlowRunCreate b) {
        UUID id = b.id() == null ? Ids.next() : b.id();
        // the engine's adjective-animal names are its own; a run created here is named after its id
        String name = b.name() == null || b.name().isBlank() ? "run-" + id.toString().substring(24) : b.name();
        Instant created = b.created() == null ? clock.instant() : b.created();
        RunEvent.FlowRunCreated e = (RunEvent.FlowRunCreated) Checks.event(0, new RunEvent.FlowRunCreated(id, name,
                b.flowName(), b.parameters() == null ? "[]" : b.parameters(), b.parentFlowRunId(),
                b.parentTaskRunId(), b.tags(), created, b.process()), clock.instant());
        if (b.id() != null && exists(id)) {
            throw new ApiError(409, "A run with id " + id + " exists already: leave 'id' out to get a new one");
        }
        if (!create(new ActiveRuns.Run(id, id, true, e.name(), e.tags(), null), e)) {
            throw new ApiError(409, "A run with id " + id + " exists already: leave 'id' out to get a new one");
        }
        return new FlowRunSummary(id, e.name(), e.flowName(), e.parentFlowRunId(), null, created, null, null, 0);
    }

    /**
     * Creates a task run in an existing flow run (id and ordinal given here when missing; the
     * name defaults to the task name and ordinal).
     *
     * @throws ApiError 400 for a bad field, 404 for an unknown flow run, 409 when a run with its id exists
     */
    TaskRunDetail createTaskRun(Bodies.TaskRunCreate b) {
        UUID flowRunId = Checks.required("flowRunId", b.flowRunId());
        String taskName = Checks.recorded("taskName", b.taskName(), dev.baton.spi.RecordedText.TASK_NAME,
                true);
        UUID id = b.id() == null ? Ids.next() : b.id();
        if (b.id() != null && exists(id)) {
            throw new ApiError(409, "A run with id " + id + " exists already: leave 'id' out to get a new one");
        }
        if (b.ordinal() != null && b.ordinal() < 0) {
            throw ApiError.badRequest("Field 'ordinal' must be 0 or more, not " + b.ordinal());
        }
        int ordinal = runs.withRun(flowRunId, true, flow -> {
            int o = b.ordinal() != null ? b.ordinal() : flow.nextOrdinal;
            if (o >= flow.nextOrdinal) flow.nextOrdinal = o + 1;
            return o;
        }).orElseThrow(() -> ApiError.notFound("No flow run " + flowRunId + ": create the flow run first"));
        String name = b.name() == null || b.name().isBlank() ? taskName + "-" + ordinal : b.name();
        RunEvent.TaskRunCreated e = (RunEvent.TaskRunCreated) Checks.event(0, new RunEvent.TaskRunCreated(id,
                flowRunId, ordinal, name, taskName, b.taskVersion(), b.tags(), b.upstream(), b.subflowRunId()),
                clock.instant());
        if (!create(new ActiveRuns.Run(id, flowRunId, false, e.name(), e.tags(), null), e)) {
            throw new ApiError(409, "A run with id " + id + " exists already: leave 'id' out to get a new one");
        }
        return new TaskRunDetail(id, flowRunId, e.name(), e.taskName(), e.taskVersion(), e.tags(), e.upstream(),
                e.subflowRunId(), null, null, List.of());
    }

    private boolean exists(UUID id) {
        return runs.known(id) || runs.withRun(id, true, r -> true).isPresent()
                || runs.withRun(id, false, r -> true).isPresent();
    }
}
