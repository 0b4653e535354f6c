package dev.baton.spi;

import dev.baton.Schedule;
import dev.baton.StateType;
import dev.baton.internal.engine.RunNames;
import dev.baton.internal.results.Sha256;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a scheduler creates ahead of time for a deployment, as Prefect's does: for each of its
 * schedules the runs due in the next {@value #MAX_RUNS_AHEAD} occurrences or {@link #MAX_AHEAD},
 * whichever is fewer, each with a key made of the deployment, the schedule and the due time, so
 * that creating them again (the next pass, a restart, another server) is a no-op.
 */
public final class Scheduling {
    /** The most runs created ahead per schedule. */
    public static final int MAX_RUNS_AHEAD = 100;
    /** How far ahead runs are created. */
    public static final Duration MAX_AHEAD = Duration.ofDays(100);

    private Scheduling() {}

    /** The runs {@code deployment}'s schedules have due after {@code now}; none if it is paused. */
    public static List<ScheduledRun> upcoming(DeploymentRecord deployment, Instant now) {
        List<ScheduledRun> runs = new ArrayList<>();
        for (Schedule s : deployment.schedules()) runs.addAll(upcoming(deployment, s, now, Instant.MIN));
        return runs;
    }

    /**
     * The runs schedule {@code s} of {@code deployment} has due after {@code now} (within the
     * limits above), leaving out those not after {@code through} (made already); none if the
     * deployment is paused.
     */
    public static List<ScheduledRun> upcoming(DeploymentRecord deployment, Schedule s, Instant now, Instant through) {
        List<ScheduledRun> runs = new ArrayList<>();
        if (deployment.paused()) return runs;
        String parameters = DeploymentJson.merged(deployment.parameters(), s.parameters());
        String keyPrefix = "scheduled/" + deployment.id() + "/" + scheduleKey(s) + "/";
        for (Instant due : s.upcoming(now, now.plus(MAX_AHEAD), MAX_RUNS_AHEAD)) {
            if (!due.isAfter(through)) continue;
            runs.add(new ScheduledRun(Ids.next(), RunNames.next(), deployment.id(), deployment.flowName(),
                    parameters, due, keyPrefix + due, List.of(scheduled(now, due))));
        }
        return runs;
    }

    /** An ad-hoc run of {@code deployment}, due at {@code due}, with {@code parameters} over the deployment's. */
    public static ScheduledRun adHoc(DeploymentRecord deployment, String parameters, Instant due, Instant now) {
        return new ScheduledRun(Ids.next(), RunNames.next(), deployment.id(), deployment.flowName(), parameters, due,
                null, List.of(scheduled(now, due)));
    }

    private static StateRecord scheduled(Instant now, Instant due) {
        return new StateRecord(StateType.SCHEDULED, "Scheduled", now, null, due, null);
    }

    /** What identifies a schedule in its runs' keys: a digest of everything that decides its runs. */
    public static String scheduleKey(Schedule s) {
        return Sha256.hex(DeploymentJson.schedules(List.of(s))).substring(0, 16);
    }
}
