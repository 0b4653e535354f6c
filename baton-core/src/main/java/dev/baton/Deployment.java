package dev.baton;

import dev.baton.spi.DeploymentRecord;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * How a flow is deployed: under a name, with the parameters its runs get, the schedules they are
 * due on, tags, a work pool and a concurrency limit, as Prefect's deployments. A value: each
 * method returns a changed copy.
 *
 * <pre>{@code
 * nightly.serve(Deployment.named("nightly-etl")
 *         .schedules(Schedule.cron("0 2 * * *", "Europe/Paris"))
 *         .parameter("region", "eu")
 *         .concurrencyLimit(1));
 * }</pre>
 */
public final class Deployment {
    private final String name;
    private final List<Schedule> schedules;
    private final Map<String, Object> parameters;
    private final Set<String> tags;
    private final String description;
    private final String workPool;
    private final Integer concurrencyLimit;
    private final boolean paused;

    private Deployment(String name, List<Schedule> schedules, Map<String, Object> parameters, Set<String> tags,
                       String description, String workPool, Integer concurrencyLimit, boolean paused) {
        this.name = name;
        this.schedules = schedules;
        this.parameters = parameters;
        this.tags = tags;
        this.description = description;
        this.workPool = workPool;
        this.concurrencyLimit = concurrencyLimit;
        this.paused = paused;
    }

    /**
     * A deployment called {@code name}, unique in the store: deploying or serving under a name
     * that exists updates that deployment. No schedule yet (its runs are ad hoc), the
     * {@value DeploymentRecord#DEFAULT_POOL} work pool, no concurrency limit.
     *
     * @throws IllegalArgumentException if the name is blank, too long or holds control characters
     */
    public static Deployment named(String name) {
        DeploymentRecord.checkName(name);
        return new Deployment(name, List.of(), Map.of(), Set.of(), null, DeploymentRecord.DEFAULT_POOL, null, false);
    }

    /** This deployment with these schedules (replacing any); several may be given, each with its own parameters. */
    public Deployment schedules(Schedule... schedules) {
        List<Schedule> list = new ArrayList<>();
        for (Schedule s : schedules) list.add(Objects.requireNonNull(s, "a schedule of deployment '" + name + "' is null"));
        return new Deployment(name, List.copyOf(list), parameters, tags, description, workPool, concurrencyLimit, paused);
    }

    /**
     * This deployment giving its runs parameter {@code name} = {@code value} (JSON-ready: strings,
     * numbers, booleans, lists, maps, records, enums, {@code java.time} values).
     */
    public Deployment parameter(String name, Object value) {
        Objects.requireNonNull(name, "a parameter name");
        Map<String, Object> copy = new LinkedHashMap<>(parameters);
        copy.put(name, value);
        return new Deployment(this.name, schedules, Collections.unmodifiableMap(copy), tags, description, workPool,
                concurrencyLimit, paused);
    }

    /** This deployment giving its runs these parameters, besides any given before. */
    public Deployment parameters(Map<String, ?> parameters) {
        Deployment d = this;
        for (Map.Entry<String, ?> e : parameters.entrySet()) d = d.parameter(e.getKey(), e.getValue());
        return d;
    }

    /** This deployment with these tags (replacing any). */
    public Deployment tags(String... tags) {
        return new Deployment(name, schedules, parameters, Collections.unmodifiableSet(new LinkedHashSet<>(List.of(tags))),
                description, workPool, concurrencyLimit, paused);
    }

    /** This deployment with a description. */
    public Deployment description(String description) {
        return new Deployment(name, schedules, parameters, tags, description, workPool, concurrencyLimit, paused);
    }

    /** This deployment queuing its runs in work pool {@code pool}. */
    public Deployment workPool(String pool) {
        if (pool == null || pool.isBlank()) throw new IllegalArgumentException("A work pool needs a name, such as 'default'");
        return new Deployment(name, schedules, parameters, tags, description, pool, concurrencyLimit, paused);
    }

    /**
     * This deployment letting at most {@code limit} of its runs be pending or running at once; a
     * due run waits for one to end.
     *
     * @throws IllegalArgumentException if {@code limit} is less than 1
     */
    public Deployment concurrencyLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("The concurrency limit of deployment '" + name + "' must be 1 or more,"
                    + " not " + limit);
        }
        return new Deployment(name, schedules, parameters, tags, description, workPool, limit, paused);
    }

    /** This deployment created paused (no scheduled runs until it is resumed) or not. */
    public Deployment paused(boolean paused) {
        return new Deployment(name, schedules, parameters, tags, description, workPool, concurrencyLimit, paused);
    }

    public String name() { return name; }

    public List<Schedule> schedules() { return schedules; }

    public Map<String, Object> parameters() { return parameters; }

    public Set<String> tags() { return tags; }

    public Optional<String> description() { return Optional.ofNullable(description); }

    public String workPool() { return workPool; }

    public OptionalInt concurrencyLimit() {
        return concurrencyLimit == null ? OptionalInt.empty() : OptionalInt.of(concurrencyLimit);
    }

    public boolean paused() { return paused; }

    /** Its concurrency limit, or null. */
    Integer limitOrNull() {
        return concurrencyLimit;
    }

    @Override
    public String toString() {
        return "Deployment[" + name + ", " + schedules + (parameters.isEmpty() ? "" : ", parameters " + parameters) + "]";
    }
}
