package dev.baton.deploy;

import dev.baton.spi.DeploymentRecord;
import dev.baton.spi.Deployments;
import dev.baton.spi.ScheduledRun;
import dev.baton.spi.Scheduling;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Creates the scheduled runs of deployments ahead ({@link Scheduling#upcoming}), remembering for
 * each deployment how far ahead each of its schedules' runs have been made, so that a pass over
 * many deployments each minute only works out (and sends to the store) the runs that came into
 * range since the last. What a runner's or worker's loop ({@link DueRuns}) and the API server's
 * scheduler use. The store ignores runs another process made already (their keys are taken), so
 * the memory only saves work; a deployment changed since (its schedules, paused or resumed: its
 * {@code updated} time moves) is looked at whole again. Thread-safe.
 */
public final class RunsAhead {
    private final Deployments store;
    private final Map<UUID, Made> made = new HashMap<>();

    /** How far ahead the runs of each schedule of a deployment, as it was when last updated, have been made. */
    private record Made(Instant updated, Instant[] through) {}

    public RunsAhead(Deployments store) {
        this.store = store;
    }

    /**
     * Creates the runs {@code d}'s schedules have due after {@code now} that have not been made
     * here already; answers how many the store took as new.
     */
    public synchronized int scheduleAhead(DeploymentRecord d, Instant now) {
        Made memo = made.get(d.id());
        if (memo == null || !memo.updated().equals(d.updated()) || memo.through().length != d.schedules().size()) {
            memo = new Made(d.updated(), new Instant[d.schedules().size()]);
            Arrays.fill(memo.through(), Instant.MIN);
            made.put(d.id(), memo);
        }
        List<ScheduledRun> runs = new ArrayList<>();
        Instant[] through = memo.through().clone();
        for (int i = 0; i < d.schedules().size(); i++) {
            for (ScheduledRun r : Scheduling.upcoming(d, d.schedules().get(i), now, through[i])) {
                runs.add(r);
                through[i] = r.due();
            }
        }
        int added = runs.isEmpty() ? 0 : store.addScheduledRuns(runs);
        System.arraycopy(through, 0, memo.through(), 0, through.length); // made: not again
        return added;
    }

    /** Forgets the deployments not among {@code ids} (deleted ones), so memory follows what there is. */
    public synchronized void retain(Collection<UUID> ids) {
        made.keySet().retainAll(new HashSet<>(ids));
    }
}
