package dev.baton.deploy;

import dev.baton.BatonRuntime;
import dev.baton.Deployment;
import dev.baton.Flow;
import dev.baton.FlowRunHandle;
import dev.baton.Schedule;
import dev.baton.State;
import dev.baton.internal.engine.Engine;
import dev.baton.internal.deploy.FlowDefinitions;
import dev.baton.spi.DeploymentJson;
import dev.baton.spi.DeploymentRecord;
import dev.baton.spi.Deployments;
import dev.baton.spi.Ids;
import dev.baton.spi.ScheduledRun;
import dev.baton.spi.StateRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A flow as deployments run it: where it is declared (its entrypoint, {@code com.acme.Flows#nightly}:
 * a class and the static field holding the flow), its parameters by name and type, read from that
 * field's declared type, and how a claimed run of it starts, as the flow run it was created as.
 */
public final class DeployedFlow {
    private static final Logger LOG = LoggerFactory.getLogger(DeployedFlow.class);
    private final Flow flow;
    private final FlowParameters parameters;
    private final String entrypoint;

    private DeployedFlow(Flow flow, FlowParameters parameters, String entrypoint) {
        this.flow = flow;
        this.parameters = parameters;
        this.entrypoint = entrypoint;
    }

    /**
     * {@code flow}, found in a static field of one of {@code candidates} (or their enclosing classes),
     * whose declared type gives its parameter types.
     *
     * @throws IllegalArgumentException if the flow takes parameters and no such field holds it, or
     *         its parameters are not named, saying what to do
     */
    public static DeployedFlow of(Flow flow, List<Class<?>> candidates) {
        for (Class<?> c : candidates) {
            for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
                for (Field f : k.getDeclaredFields()) {
                    if (!Modifier.isStatic(f.getModifiers()) || !Flow.class.isAssignableFrom(f.getType())) continue;
                    Object value;
                    try {
                        f.setAccessible(true);
                        value = f.get(null);
                    } catch (ReflectiveOperationException | RuntimeException e) {
                        continue;
                    }
                    if (value == flow) return declaredBy(flow, f);
                }
            }
        }
        if (arity(flow) == 0) return new DeployedFlow(flow, FlowParameters.of(flow.name(), List.of(), new Type[0]), null);
        throw new IllegalArgumentException("Baton reads the parameter types of a deployed flow from the static field"
                + " that holds it, and found none holding flow '" + flow.name() + "' in " + candidates.stream()
                .map(Class::getName).toList() + ": declare it as a static final field with its types, e.g. static"
                + " final Flow1<LocalDate, Void> " + flow.name().replaceAll("[^A-Za-z0-9_]", "_") + " = ...");
    }

    /**
     * The flow at {@code entrypoint} ({@code com.acme.Flows#nightly}), its class loaded (and
     * initialised) by {@code loader}.
     *
     * @throws IllegalArgumentException if the entrypoint is malformed, or names no class, no static
     *         field or one that holds no flow, saying which
     */
    public static DeployedFlow load(String entrypoint, ClassLoader loader) {
        int hash = entrypoint == null ? -1 : entrypoint.indexOf('#');
        if (hash <= 0 || hash == entrypoint.length() - 1) {
            throw new IllegalArgumentException("A flow's entrypoint is its class and the static field holding it,"
                    + " such as com.acme.Flows#nightly; got '" + entrypoint + "'");
        }
        String className = entrypoint.substring(0, hash), fieldName = entrypoint.substring(hash + 1);
        Class<?> c;
        try {
            c = Class.forName(className, true, loader);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("Entrypoint '" + entrypoint + "': no class " + className
                    + " on the class path (give the jars with --class-path)", e);
        } catch (LinkageError e) {
            throw new IllegalArgumentException("Entrypoint '" + entrypoint + "': class " + className
                    + " could not be loaded: " + e, e);
        }
        Field f;
        try {
            f = c.getDeclaredField(fieldName);
        } catch (NoSuchFieldException e) {
            throw new IllegalArgumentException("Entrypoint '" + entrypoint + "': class " + className + " has no field "
                    + fieldName, e);
        }
        if (!Modifier.isStatic(f.getModifiers()) || !Flow.class.isAssignableFrom(f.getType())) {
            throw new IllegalArgumentException("Entrypoint '" + entrypoint + "': " + fieldName + " is not a static"
                    + " field holding a flow (declare it static final Flow0<...> ... = Flow.named(...)...)");
        }
        Object value;
        try {
            f.setAccessible(true);
            value = f.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalArgumentException("Entrypoint '" + entrypoint + "': field " + fieldName
                    + " cannot be read: " + e, e);
        }
        if (value == null) throw new IllegalArgumentException("Entrypoint '" + entrypoint + "': the field is null");
        return declaredBy((Flow) value, f);
    }

    private static DeployedFlow declaredBy(Flow flow, Field f) {
        int arity = arity(flow);
        Type[] types = new Type[arity];
        if (arity > 0) {
            if (!(f.getGenericType() instanceof ParameterizedType p)) {
                throw new IllegalArgumentException("Field " + f.getDeclaringClass().getName() + "#" + f.getName()
                        + " holding flow '" + flow.name() + "' is declared without its types: declare them, e.g."
                        + " Flow1<LocalDate, Void>");
            }
            System.arraycopy(p.getActualTypeArguments(), 0, types, 0, arity);
        }
        return new DeployedFlow(flow, FlowParameters.of(flow.name(), FlowDefinitions.of(flow).options().parameterNames(), types),
                f.getDeclaringClass().getName() + "#" + f.getName());
    }

    private static int arity(Flow flow) {
        String n = flow.getClass().getSimpleName();
        return n.charAt(n.length() - 1) - '0';
    }

    public Flow flow() {
        return flow;
    }

    public String flowName() {
        return flow.name();
    }

    public FlowParameters parameters() {
        return parameters;
    }

    /** Where the flow is declared ({@code class#field}), or null if it was not looked for (a flow of no parameters). */
    public String entrypoint() {
        return entrypoint;
    }

    /**
     * Checks {@code d}'s parameters, with each schedule's over them, against the flow's: a scheduled
     * run must have every parameter; a deployment without schedules may give some, its ad-hoc runs
     * bringing the rest, and those it gives must fit.
     *
     * @throws IllegalArgumentException naming the deployment, the flow, and what does not fit
     */
    public void checkParameters(Deployment d) {
        if (d.schedules().isEmpty()) {
            try {
                parameters.checkGiven(d.parameters()); // its ad-hoc runs bring the rest
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Deployment '" + d.name() + "' of flow '" + flow.name() + "': "
                        + e.getMessage(), e);
            }
            return;
        }
        List<Map<String, Object>> sets = new ArrayList<>();
        for (Schedule s : d.schedules()) {
            Map<String, Object> m = new LinkedHashMap<>(d.parameters());
            m.putAll(s.parameters());
            sets.add(m);
        }
        for (Map<String, Object> values : sets) {
            try {
                parameters.check(values);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Deployment '" + d.name() + "' of flow '" + flow.name() + "': "
                        + e.getMessage(), e);
            }
        }
    }

    /**
     * Creates deployment {@code d} of this flow in {@code store}, or updates the one of that name
     * (keeping its id), with the flow's parameters as a JSON Schema ({@link FlowParameters#jsonSchema()});
     * {@code workPool} null for a deployment its own process serves. Answers it as stored.
     */
    public DeploymentRecord register(Deployments store, Deployment d, String workPool, Instant now) {
        DeploymentRecord old = store.get(d.name()).orElse(null);
        if (old != null && !old.flowName().equals(flow.name())) {
            LOG.warn("Deployment '{}' ran flow '{}'; it now runs flow '{}'", d.name(), old.flowName(), flow.name());
        }
        return store.put(new DeploymentRecord(old == null ? Ids.next() : old.id(), d.name(), flow.name(), entrypoint,
                d.description().orElse(null), DeploymentJson.parameters(d.parameters()),
                DeploymentJson.parameterSchema(parameters.jsonSchema()), d.schedules(), d.tags(),
                workPool, d.concurrencyLimit().isPresent() ? d.concurrencyLimit().getAsInt() : null, d.paused(),
                old == null ? now : old.created(), now));
    }

    /**
     * Starts claimed run {@code run} of this flow on {@code runtime}, on a thread of its own, as the
     * flow run it is (its id, name and history go on); a run whose parameters do not fit fails at once.
     */
    public FlowRunHandle<?> start(ScheduledRun run, BatonRuntime runtime) {
        Objects.requireNonNull(run, "run");
        Object[] args;
        RuntimeException unusable = null;
        try {
            args = parameters.read(run.parameters());
        } catch (IllegalArgumentException e) {
            args = new Object[arity(flow)];
            unusable = e;
        }
        List<State> history = new ArrayList<>(run.history().size());
        for (StateRecord r : run.history()) {
            history.add(State.of(r.type(), r.name(), r.timestamp().getEpochSecond() * 1_000_000_000L
                    + r.timestamp().getNano(), r.message(), r.scheduledTime()));
        }
        return Engine.startRecorded(FlowDefinitions.of(flow), args, runtime, run.id(), run.name(), history, unusable);
    }
}
