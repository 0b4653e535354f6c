package dev.baton.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import dev.baton.spi.DeploymentJson;
import dev.baton.spi.DeploymentRecord;
import dev.baton.spi.Deployments;
import dev.baton.spi.ScheduledRun;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The deployments of a Baton API server, through its routes ({@code /api/deployments},
 * {@code /api/scheduled_runs}): what {@link ApiClient#deployments()} answers, and
 * {@link ApiRunStore#deployments()}, so that {@code flow.serve(...)}, workers and the CLI share
 * the server's deployments in client mode. The server does each call in one transaction of its
 * database, so creating and claiming runs hold as there: a run is created once and claimed once
 * however many clients ask at once.
 *
 * <p>Bad input is refused as the database's {@code Deployments} refuses it, with an
 * {@link IllegalArgumentException} carrying the server's message (which names what is wrong); an
 * unknown name or id is an empty answer. Anything else (no server, a wrong key, a server fault)
 * is an {@link ApiException} saying what to do. Differences: pausing and resuming stamp the
 * deployment with the server's time, not the {@code now} given; a claim takes at most 1,000 runs
 * (the next claim takes more).
 */
final class ApiDeployments implements Deployments {
    /** Runs per {@code POST /api/scheduled_runs}, well under the server's limit of 10,000. */
    static final int RUNS_PER_REQUEST = 1_000;
    /** JSON bytes per {@code POST /api/scheduled_runs}, well under the server's 16 MiB for batches. */
    static final int BYTES_PER_REQUEST = 4 << 20;
    /** Deployments per claim, the server's limit. */
    static final int IDS_PER_CLAIM = 1_000;
    /** The most runs a claim answers, the server's limit. */
    static final int MAX_CLAIM = 1_000;

    private static final JavaType BODY = ApiClient.type(DeploymentJson.DeploymentBody.class);
    private static final JavaType BODIES = ApiClient.JSON.getTypeFactory().constructCollectionType(List.class,
            DeploymentJson.DeploymentBody.class);
    private static final JavaType RUN = ApiClient.type(ScheduledRun.class);
    private static final JavaType RUNS = ApiClient.JSON.getTypeFactory().constructCollectionType(List.class,
            ScheduledRun.class);
    private static final JavaType COUNTS = ApiClient.JSON.getTypeFactory().constructMapType(Map.class, String.class,
            Integer.class);

    private final ApiClient api;
    private final Runnable beforeClaiming;

    /**
     * @param beforeClaiming run before each claim: a store in client mode delivers what it reported
     *                       first, so that runs it finished count no more against the limits
     */
    ApiDeployments(ApiClient api, Runnable beforeClaiming) {
        this.api = api;
        this.beforeClaiming = beforeClaiming;
    }

    @Override
    public DeploymentRecord put(DeploymentRecord deployment) {
        Objects.requireNonNull(deployment, "deployment");
        return record(refusingBadInput(() -> api.<DeploymentJson.DeploymentBody>send("POST", "/deployments",
                DeploymentJson.body(deployment), BODY, false)));
    }

    @Override
    public List<DeploymentRecord> list() {
        List<DeploymentJson.DeploymentBody> all = api.send("GET", "/deployments", null, BODIES, false);
        return all.stream().map(this::record).toList();
    }

    @Override
    public Optional<DeploymentRecord> get(String name) {
        Objects.requireNonNull(name, "name");
        if (!possible(name)) return Optional.empty();
        return Optional.ofNullable(api.<DeploymentJson.DeploymentBody>send("GET",
                "/deployments/name/" + ApiClient.pathSegment(name), null, BODY, true)).map(this::record);
    }

    /** Whether a deployment may have this name: one none can have is not asked about (the server would refuse it). */
    private static boolean possible(String name) {
        try {
            DeploymentRecord.checkName(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public Optional<DeploymentRecord> get(UUID id) {
        Objects.requireNonNull(id, "id");
        return Optional.ofNullable(api.<DeploymentJson.DeploymentBody>send("GET", "/deployments/" + id, null, BODY,
                true)).map(this::record);
    }

    /** {@inheritDoc} Here the deployment is stamped updated at the server's time, not {@code now}. */
    @Override
    public Optional<DeploymentRecord> setPaused(String name, boolean paused, Instant now) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(now, "now");
        if (!possible(name)) return Optional.empty();
        return Optional.ofNullable(api.<DeploymentJson.DeploymentBody>send("POST",
                "/deployments/name/" + ApiClient.pathSegment(name) + (paused ? "/pause" : "/resume"), null, BODY,
                true)).map(this::record);
    }

    @Override
    public boolean delete(String name) {
        Objects.requireNonNull(name, "name");
        if (!possible(name)) return false;
        return api.send("DELETE", "/deployments/name/" + ApiClient.pathSegment(name), null, null, true) != null;
    }

    /** {@inheritDoc} Sent in requests of at most 1,000 runs (and 4 MiB): each is idempotent, not the whole. */
    @Override
    public int addScheduledRuns(List<ScheduledRun> runs) {
        Objects.requireNonNull(runs, "runs");
        int added = 0;
        List<ScheduledRun> chunk = new ArrayList<>();
        long bytes = 0;
        for (ScheduledRun r : runs) {
            Objects.requireNonNull(r, "a scheduled run");
            long size = size(r);
            if (!chunk.isEmpty() && (chunk.size() >= RUNS_PER_REQUEST || bytes + size > BYTES_PER_REQUEST)) {
                added += add(chunk);
                chunk = new ArrayList<>();
                bytes = 0;
            }
            chunk.add(r);
            bytes += size;
        }
        if (!chunk.isEmpty()) added += add(chunk);
        return added;
    }

    private int add(List<ScheduledRun> runs) {
        Map<String, Integer> answer = refusingBadInput(() -> api.send("POST", "/scheduled_runs", runs, COUNTS, false));
        Integer added = answer.get("added");
        if (added == null) {
            throw new ApiException(200, "The Baton API server at " + api.url() + " answered POST /scheduled_runs"
                    + " without 'added'; is it a Baton API server of this version?", null);
        }
        return added;
    }

    private static long size(ScheduledRun r) {
        try {
            return ApiClient.JSON.writeValueAsBytes(r).length;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot write scheduled run '" + r.name() + "' as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    @Override
    public List<ScheduledRun> scheduledRuns(UUID deploymentId, int limit) {
        Objects.requireNonNull(deploymentId, "deploymentId");
        if (limit < 0) throw new IllegalArgumentException("limit must be 0 or more, not " + limit);
        if (limit == 0) return List.of();
        List<ScheduledRun> runs = refusingBadInput(() -> api.send("GET", "/deployments/" + deploymentId
                + "/scheduled_runs?limit=" + limit, null, RUNS, true));
        return runs == null ? List.of() : List.copyOf(runs); // null: no such deployment, so no runs
    }

    @Override
    public Optional<ScheduledRun> scheduledRun(UUID flowRunId) {
        Objects.requireNonNull(flowRunId, "flowRunId");
        return Optional.ofNullable(api.send("GET", "/scheduled_runs/" + flowRunId, null, RUN, true));
    }

    /**
     * {@inheritDoc} Here at most 1,000 runs per call; deployments are asked about 1,000 at a time
     * (more than 1,000 of them: the first ones' runs before the others', not strictly soonest first).
     */
    @Override
    public List<ScheduledRun> claimDue(Collection<UUID> deploymentIds, Instant now, int max, String process) {
        Objects.requireNonNull(deploymentIds, "deploymentIds");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(process, "process");
        if (max < 0) throw new IllegalArgumentException("max must be 0 or more, not " + max);
        List<UUID> ids = List.copyOf(new LinkedHashSet<>(deploymentIds));
        if (ids.isEmpty() || max == 0) return List.of();
        beforeClaiming.run();
        List<ScheduledRun> claimed = new ArrayList<>();
        int wanted = Math.min(max, MAX_CLAIM);
        for (int i = 0; i < ids.size() && claimed.size() < wanted; i += IDS_PER_CLAIM) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("deploymentIds", ids.subList(i, Math.min(ids.size(), i + IDS_PER_CLAIM)));
            body.put("now", now);
            body.put("max", wanted - claimed.size());
            body.put("process", process);
            List<ScheduledRun> got = refusingBadInput(() -> api.send("POST", "/scheduled_runs/claim", body, RUNS,
                    false));
            claimed.addAll(got);
        }
        return List.copyOf(claimed);
    }

    @Override
    public int markLate(Instant dueBefore, Instant now) {
        Objects.requireNonNull(dueBefore, "dueBefore");
        Objects.requireNonNull(now, "now");
        Map<String, Integer> answer = refusingBadInput(() -> api.send("POST", "/scheduled_runs/mark_late",
                Map.of("dueBefore", dueBefore, "now", now), COUNTS, false));
        Integer marked = answer.get("marked");
        return marked == null ? 0 : marked;
    }

    @Override
    public String toString() {
        return "ApiDeployments[" + api.url() + "]";
    }

    // ----- answers -----

    private DeploymentRecord record(DeploymentJson.DeploymentBody body) {
        try {
            return body.toRecord();
        } catch (IllegalArgumentException e) {
            throw new ApiException(200, "The Baton API server at " + api.url() + " answered a deployment this client"
                    + " cannot read (" + e.getMessage() + "); is it a Baton API server of this version?", e);
        }
    }

    /** The server's refusal of bad input (400) as the {@link IllegalArgumentException} the database would throw. */
    private static <T> T refusingBadInput(Supplier<T> call) {
        try {
            return call.get();
        } catch (ApiException e) {
            if (e.status() == 400) {
                throw new IllegalArgumentException(e.serverMessage() != null ? e.serverMessage() : e.getMessage(), e);
            }
            throw e;
        }
    }
}
