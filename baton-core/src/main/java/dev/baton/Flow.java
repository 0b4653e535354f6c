package dev.baton;

import dev.baton.internal.engine.FlowDefinition;
import dev.baton.internal.engine.FlowOptions;
import dev.baton.internal.engine.Invocable;
import dev.baton.internal.logging.PrintsToLog;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.Optional;

/**
 * A named, parameterised unit of work that owns task runs; every call is a flow run. Flows
 * are values typed by arity ({@link Flow0} to {@link Flow6}, {@link AsyncFlow0} to
 * {@link AsyncFlow6}), made with a builder:
 *
 * <pre>{@code
 * static final Flow0<Void> parallelFlow = Flow.named("parallel_flow")
 *         .executor(new ConcurrentExecutor())
 *         .procedure(() -> {
 *             printValues.submit(Collections.nCopies(15, "AAAA"));
 *             printValues.submit(Collections.nCopies(10, "BBBB"));
 *         });
 *
 * FlowRun<Void> run = parallelFlow.run();   // blocks until every task run has finished
 * }</pre>
 *
 * The executor runs the task runs of each flow run; the default, {@link SequentialExecutor},
 * runs them one after another as they are called. Flow runs themselves run in parallel
 * whenever they are started from several threads.
 */
public abstract sealed class Flow
        permits Flow0, Flow1, Flow2, Flow3, Flow4, Flow5, Flow6,
        AsyncFlow0, AsyncFlow1, AsyncFlow2, AsyncFlow3, AsyncFlow4, AsyncFlow5, AsyncFlow6 {
    static {
        dev.baton.internal.deploy.FlowDefinitions.install(flow -> flow.definition);
    }

    final FlowDefinition definition;
    /** The runtime this flow was bound to ({@code on(runtime)}), or null: the current one when a run starts. */
    final BatonRuntime runtime;

    Flow(FlowDefinition definition, BatonRuntime runtime) {
        this.definition = definition;
        this.runtime = runtime;
    }

    static BatonRuntime checked(BatonRuntime runtime) {
        return Objects.requireNonNull(runtime, "on(runtime) got null: pass a BatonRuntime, e.g."
                + " BatonRuntime.builder()...build()");
    }

    /** Starts building a flow called {@code name}. */
    public static Builder named(String name) {
        return new Builder(name);
    }

    /** The flow's name. */
    public String name() {
        return definition.name();
    }

    /** The flow's description, if given. */
    public Optional<String> description() {
        return Optional.ofNullable(definition.description());
    }

    /** The flow's version, if given. */
    public Optional<String> version() {
        return Optional.ofNullable(definition.version());
    }

    /** The flow's tags, in the order given; every run of the flow carries them. */
    public Set<String> tags() {
        return definition.tags();
    }

    /** The executor that runs this flow's task runs. */
    public Executor executor() {
        return definition.executor();
    }

    /** True for async flows, whose bodies return a {@link java.util.concurrent.CompletionStage}. */
    public boolean isAsync() {
        return definition.isAsync();
    }

    /**
     * Serves this flow as deployment {@code name}, due on {@code schedules}, in this process until
     * it is stopped (Ctrl-C): see {@link #serve(Deployment)}.
     */
    public final void serve(String name, Schedule... schedules) {
        serve(Deployment.named(name).schedules(schedules));
    }

    /**
     * Serves this flow as {@code deployment} in this process, as Prefect's {@code flow.serve()}:
     * registers the deployment with the run store (the database or API server, so the CLI and other
     * processes see it), creates its scheduled runs ahead of time, and runs each in this JVM once due;
     * blocks until the JVM is stopped (Ctrl-C, SIGTERM), which cancels the runs still running and pauses
     * the deployment. A {@link Runner} serves several flows, or stops under the program's control.
     *
     * @throws IllegalArgumentException if the flow's parameters cannot be named or typed (a flow of
     *         parameters must be held in a static field, and name them), or the deployment's do not fit
     */
    public final void serve(Deployment deployment) {
        Runner.Builder b = Runner.builder();
        if (runtime != null) b.runtime(runtime);
        b.add(this, deployment).build().runUntilStopped();
    }

    /**
     * Registers this flow as {@code deployment} for the workers of its work pool
     * ({@code ./baton worker start --pool POOL --class-path app.jar}), as Prefect's
     * {@code flow.deploy()}, and makes its first scheduled runs; returns at once. Registering under a
     * name that exists updates that deployment. The workers load the flow from the static field that
     * holds it ({@code com.acme.Flows#nightly}), so it must be held in one of the calling class.
     *
     * @throws IllegalArgumentException if the flow is in no static field, or its parameters cannot be
     *         named or typed, or the deployment's do not fit them
     * @throws IllegalStateException if the run store keeps no deployments (client mode, for now)
     */
    public final void deploy(Deployment deployment) {
        Runner.deploy(this, deployment, runtime);
    }

    /** This flow's definition with the options {@code change} sets on a builder holding its own. */
    final FlowDefinition redefined(Consumer<? super Builder> change) {
        Objects.requireNonNull(change, "withOptions(...) of flow '" + name() + "' got null: pass a function that"
                + " changes options, e.g. o -> o.retries(3)");
        Builder b = new Builder(definition);
        change.accept(b);
        return b.redefine(definition);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name() + "]";
    }

    /**
     * Builds a flow: options first, then the body with {@code of} (a function),
     * {@code procedure} (returns nothing) or {@code async} (returns a CompletionStage).
     */
    public static final class Builder {
        private final String name;
        private String description, version;
        private final Set<String> tags = new LinkedHashSet<>();
        private Executor executor = new SequentialExecutor();
        private int retries;
        private RetryDelay retryDelay = RetryDelay.none();
        private Predicate<? super Throwable> retryIf = t -> true;
        private Duration timeout;
        private boolean persistResult;
        private ResultSerializer serializer;
        private boolean logPrints = PrintsToLog.byDefault();
        private List<String> parameterNames = List.of();
        private final List<FlowHook> onCompletion = new ArrayList<>(), onFailure = new ArrayList<>(),
                onCancellation = new ArrayList<>(), onCrashed = new ArrayList<>();

        /** A builder holding {@code definition}'s name and options, for {@code withOptions}. */
        private Builder(FlowDefinition definition) {
            this(definition.name());
            FlowOptions o = definition.options();
            description = definition.description();
            version = definition.version();
            tags.addAll(definition.tags());
            executor = definition.executor();
            retries = o.retries();
            retryDelay = o.retryDelay();
            retryIf = o.retryIf();
            timeout = o.timeout();
            persistResult = o.persistResult();
            serializer = o.serializer();
            logPrints = o.logPrints();
            parameterNames = o.parameterNames();
            onCompletion.addAll(o.onCompletion());
            onFailure.addAll(o.onFailure());
            onCancellation.addAll(o.onCancellation());
            onCrashed.addAll(o.onCrashed());
        }

        private Builder(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("A flow needs a non-blank name, e.g. Flow.named(\"etl\"); got "
                        + (name == null ? "null" : "\"" + name + "\""));
            }
            this.name = name;
        }

        /** What the flow does, for people reading runs. */
        public Builder description(String description) {
            this.description = description;
            return this;
        }

        /** The flow's version, recorded with its runs. */
        public Builder version(String version) {
            this.version = version;
            return this;
        }

        /**
         * Tags, recorded with every run of the flow (and used to filter runs), e.g.
         * {@code Flow.named("etl").tags("nightly", "finance")}. May be called more than once; tags add up.
         */
        public Builder tags(String... tags) {
            Objects.requireNonNull(tags, "flow '" + name + "': tags(...) got a null array");
            for (String t : tags) {
                if (t == null || t.isBlank()) {
                    throw new IllegalArgumentException("Flow '" + name + "' got a blank or null tag in "
                            + Arrays.toString(tags) + "; tags must be non-blank strings");
                }
                this.tags.add(t);
            }
            return this;
        }

        /** The executor for the task runs of this flow's runs (default: {@link SequentialExecutor}). */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "flow '" + name + "' got a null executor");
            return this;
        }

        /** Re-runs a failed run's body up to {@code retries} more times (AwaitingRetry, then Retrying). */
        public Builder retries(int retries) {
            if (retries < 0) throw new IllegalArgumentException("flow '" + name + "': retries must be >= 0, got " + retries);
            this.retries = retries;
            return this;
        }

        /** Waits {@code delay} before each retry (default: none). */
        public Builder retryDelay(Duration delay) {
            return retryDelay(RetryDelay.fixed(delay));
        }

        /** Waits as {@code delay} says before each retry. */
        public Builder retryDelay(RetryDelay delay) {
            this.retryDelay = Objects.requireNonNull(delay, "flow '" + name + "': retryDelay is null");
            return this;
        }

        /** Retries only failures whose cause {@code condition} accepts (default: all). */
        public Builder retryIf(Predicate<? super Throwable> condition) {
            this.retryIf = Objects.requireNonNull(condition, "flow '" + name + "': retryIf is null");
            return this;
        }

        /**
         * Stops a run attempt that takes longer than {@code timeout}: the body is interrupted,
         * running task runs are cancelled, and the run ends TimedOut unless a retry follows.
         */
        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "flow '" + name + "': timeout is null");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("flow '" + name + "': timeout must be positive, got " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** Writes the flow's result to result storage (under BATON_HOME). */
        public Builder persistResult(boolean persist) {
            this.persistResult = persist;
            return this;
        }

        /** How the result is persisted (default: {@link ResultSerializer#json()}). */
        public Builder resultSerializer(ResultSerializer serializer) {
            this.serializer = Objects.requireNonNull(serializer, "flow '" + name + "': resultSerializer is null");
            return this;
        }

        /** Calls {@code hook} when a run completes. */
        public Builder onCompletion(FlowHook hook) {
            onCompletion.add(Objects.requireNonNull(hook, "flow '" + name + "': onCompletion hook is null"));
            return this;
        }

        /** Calls {@code hook} when a run fails (after its last attempt). */
        public Builder onFailure(FlowHook hook) {
            onFailure.add(Objects.requireNonNull(hook, "flow '" + name + "': onFailure hook is null"));
            return this;
        }

        /** Calls {@code hook} when a run is cancelled. */
        public Builder onCancellation(FlowHook hook) {
            onCancellation.add(Objects.requireNonNull(hook, "flow '" + name + "': onCancellation hook is null"));
            return this;
        }

        /**
         * Whether what the flow's body and its task runs print to {@code System.out} is logged with the run
         * (Prefect's {@code log_prints}): each {@code print}/{@code println} call becomes an INFO line of the run
         * logger, on the console and in the run's recorded logs, instead of going to standard output. Prints of
         * other threads, and of flows without this option, are left alone. The default is
         * {@code BATON_LOG_PRINTS} ({@code true} or {@code false}; false when unset). Task bodies running on
         * Hazelcast workers print on the worker.
         */
        public Builder logPrints(boolean logPrints) {
            this.logPrints = logPrints;
            return this;
        }

        /** Calls {@code hook} when a run crashes (the JVM ran out of memory, the run was interrupted, ...). */
        public Builder onCrashed(FlowHook hook) {
            onCrashed.add(Objects.requireNonNull(hook, "flow '" + name + "': onCrashed hook is null"));
            return this;
        }

        /**
         * Names the flow's parameters, in order, so that a deployment's runs can be given them by name
         * ({@code --param day=2026-01-01}, a JSON object): one name per parameter. A flow of one record
         * parameter needs none: its parameters are the record's components.
         *
         * @throws IllegalArgumentException if a name is blank or given twice
         */
        public Builder parameterNames(String... names) {
            List<String> list = List.of(names);
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (String n : list) {
                if (n.isBlank() || !seen.add(n)) {
                    throw new IllegalArgumentException("Flow '" + name + "': parameter names must be distinct and"
                            + " not blank; got " + list);
                }
            }
            parameterNames = list;
            return this;
        }

        private FlowDefinition define(boolean async, Invocable body, Object lambda) {
            Objects.requireNonNull(lambda, "the body of flow '" + name + "' is null");
            return new FlowDefinition(name, description, version, tags, executor, async, body, options());
        }

        private FlowDefinition redefine(FlowDefinition old) {
            return old.withOptions(description, version, tags, executor, options());
        }

        private FlowOptions options() {
            if (logPrints) PrintsToLog.install();
            return new FlowOptions(retries, retryDelay, retryIf, timeout, persistResult, serializer,
                    onCompletion, onFailure, onCancellation, onCrashed, logPrints, parameterNames);
        }

        /** A flow of no parameters. */
        public <R> Flow0<R> of(Flow0.Body<R> body) {
            return new Flow0<>(define(false, args -> body.apply(), body), null);
        }

        /** A flow of one parameter. */
        @SuppressWarnings("unchecked")
        public <A, R> Flow1<A, R> of(Flow1.Body<A, R> body) {
            return new Flow1<>(define(false, args -> body.apply((A) args[0]), body), null);
        }

        /** A flow of two parameters. */
        @SuppressWarnings("unchecked")
        public <A, B, R> Flow2<A, B, R> of(Flow2.Body<A, B, R> body) {
            return new Flow2<>(define(false, args -> body.apply((A) args[0], (B) args[1]), body), null);
        }

        /** A flow of three parameters. */
        @SuppressWarnings("unchecked")
        public <A, B, C, R> Flow3<A, B, C, R> of(Flow3.Body<A, B, C, R> body) {
            return new Flow3<>(define(false, args -> body.apply((A) args[0], (B) args[1], (C) args[2]), body), null);
        }

        /** A flow of four parameters. */
        @SuppressWarnings("unchecked")
        public <A, B, C, D, R> Flow4<A, B, C, D, R> of(Flow4.Body<A, B, C, D, R> body) {
            return new Flow4<>(define(false, args -> body.apply((A) args[0], (B) args[1], (C) args[2], (D) args[3]), body), null);
        }

        /** A flow of five parameters. */
        @SuppressWarnings("unchecked")
        public <A, B, C, D, E, R> Flow5<A, B, C, D, E, R> of(Flow5.Body<A, B, C, D, E, R> body) {
            return new Flow5<>(define(false, args -> body.apply((A) args[0], (B) args[1], (C) args[2], (D) args[3], (E) args[4]), body), null);
        }

        /** A flow of six parameters. */
        @SuppressWarnings("unchecked")
        public <A, B, C, D, E, F, R> Flow6<A, B, C, D, E, F, R> of(Flow6.Body<A, B, C, D, E, F, R> body) {
            return new Flow6<>(define(false, args -> body.apply((A) args[0], (B) args[1], (C) args[2], (D) args[3], (E) args[4], (F) args[5]), body), null);
        }

        /** A flow of no parameters that returns nothing. */
        public Flow0<Void> procedure(Flow0.Procedure body) {
            return new Flow0<>(define(false, args -> { body.accept(); return null; }, body), null);
        }

        /** A flow of one parameter that returns nothing. */
        @SuppressWarnings("unchecked")
        public <A> Flow1<A, Void> procedure(Flow1.Procedure<A> body) {
            return new Flow1<>(define(false, args -> { body.accept((A) args[0]); return null; }, body), null);
        }

        /** A flow of two parameters that returns nothing. */
        @SuppressWarnings("unchecked")
        public <A, B> Flow2<A, B, Void> procedure(Flow2.Procedure<A, B> body) {
            return new Flow2<>(define(false, args -> { body.accept((A) args[0], (B) args[1]); return null; }, body), null);
        }

        /** A flow of three parameters that returns nothing. */
        @SuppressWarnings("unchecked")
        public <A, B, C> Flow3<A, B, C, Void> procedure(Flow3.Procedure<A, B, C> body) {
            return new Flow3<>(define(false, args -> { body.accept((A) args[0], (B) args[1], (C) args[2]); return null; }, body), null);
        }

        /** A flow of four parameters that returns nothing. */
        @SuppressWarnings("unchecked")
        public <A, B, C, D> Flow4<A, B, C, D, Void> procedure(Flow4.Procedure<A, B, C, D> body) {
            return new Flow4<>(define(false, args -> { body.accept((A) args[0], (B) args[1], (C) args[2], (D) args[3]); return null; }, body), null);
        }

        /** A flow of five parameters that returns nothing. */
        @SuppressWarnings("unchecked")
        public <A, B, C, D, E> Flow5<A, B, C, D, E, Void> procedure(Flow5.Procedure<A, B, C, D, E> body) {
            return new Flow5<>(define(false, args -> { body.accept((A) args[0], (B) args[1], (C) args[2], (D) args[3], (E) args[4]); return null; }, body), null);
        }

        /** A flow of six parameters that returns nothing. */
        @SuppressWarnings("unchecked")
        public <A, B, C, D, E, F> Flow6<A, B, C, D, E, F, Void> procedure(Flow6.Procedure<A, B, C, D, E, F> body) {
            return new Flow6<>(define(false, args -> { body.accept((A) args[0], (B) args[1], (C) args[2], (D) args[3], (E) args[4], (F) args[5]); return null; }, body), null);
        }

        /** An async flow of no parameters. */
        public <R> AsyncFlow0<R> async(AsyncFlow0.Body<R> body) {
            return new AsyncFlow0<>(define(true, args -> body.apply(), body), null);
        }

        /** An async flow of one parameter. */
        @SuppressWarnings("unchecked")
        public <A, R> AsyncFlow1<A, R> async(AsyncFlow1.Body<A, R> body) {
            return new AsyncFlow1<>(define(true, args -> body.apply((A) args[0]), body), null);
        }

        /** An async flow of two parameters. */
        @SuppressWarnings("unchecked")
        public <A, B, R> AsyncFlow2<A, B, R> async(AsyncFlow2.Body<A, B, R> body) {
            return new AsyncFlow2<>(define(true, args -> body.apply((A) args[0], (B) args[1]), body), null);
        }

        /** An async flow of three parameters. */
        @SuppressWarnings("unchecked")
        public <A, B, C, R> AsyncFlow3<A, B, C, R> async(AsyncFlow3.Body<A, B, C, R> body) {
            return new AsyncFlow3<>(define(true, args -> body.apply((A) args[0], (B) args[1], (C) args[2]), body), null);
        }

        /** An async flow of four parameters. */
        @SuppressWarnings("unchecked")
        public <A, B, C, D, R> AsyncFlow4<A, B, C, D, R> async(AsyncFlow4.Body<A, B, C, D, R> body) {
            return new AsyncFlow4<>(define(true, args -> body.apply((A) args[0], (B) args[1], (C) args[2], (D) args[3]), body), null);
        }

        /** An async flow of five parameters. */
        @SuppressWarnings("unchecked")
        public <A, B, C, D, E, R> AsyncFlow5<A, B, C, D, E, R> async(AsyncFlow5.Body<A, B, C, D, E, R> body) {
            return new AsyncFlow5<>(define(true, args -> body.apply((A) args[0], (B) args[1], (C) args[2], (D) args[3], (E) args[4]), body), null);
        }

        /** An async flow of six parameters. */
        @SuppressWarnings("unchecked")
        public <A, B, C, D, E, F, R> AsyncFlow6<A, B, C, D, E, F, R> async(AsyncFlow6.Body<A, B, C, D, E, F, R> body) {
            return new AsyncFlow6<>(define(true, args -> body.apply((A) args[0], (B) args[1], (C) args[2], (D) args[3], (E) args[4], (F) args[5]), body), null);
        }
    }
}
