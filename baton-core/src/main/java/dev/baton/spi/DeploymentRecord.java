package dev.baton.spi;

import dev.baton.Schedule;

import org.jspecify.annotations.Nullable;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * A deployment as stored: a flow made to run without anyone at a terminal, with the parameters
 * its runs get, when they are due, and who may run them.
 *
 * @param id               stays the same across updates of the deployment
 * @param name             unique in the store
 * @param flowName         the name of the flow it runs
 * @param entrypoint       where a worker finds the flow ({@code com.acme.Flows#nightly}: a class and its static
 *                         field), or null for a deployment only its serving process can run
 * @param parameters       the parameters its runs get, a JSON object by parameter name
 * @param parameterSchema  the parameters its flow takes, as a JSON Schema (a JSON object, as
 *                         {@code FlowParameters.jsonSchema()} describes them), or null when not known (a
 *                         deployment stored before Baton kept it): what ad-hoc runs are checked against
 *                         before they are created, and what the API answers for forms
 * @param schedules        when runs are due (none: only ad-hoc runs)
 * @param workPool         the work pool whose workers start its runs, or null for a deployment a process
 *                         serves ({@code flow.serve(...)}): that process alone starts them
 * @param concurrencyLimit how many of its runs may be pending or running at once, or null for no limit
 * @param paused           a paused deployment gets no scheduled runs
 */
public record DeploymentRecord(UUID id, String name, String flowName, @Nullable String entrypoint,
                               @Nullable String description, String parameters, @Nullable String parameterSchema,
                               List<Schedule> schedules, Set<String> tags, @Nullable String workPool,
                               @Nullable Integer concurrencyLimit, boolean paused, Instant created, Instant updated) {
    /** The work pool of a deployment that names none. */
    public static final String DEFAULT_POOL = "default";
    /** The longest deployment name. */
    public static final int MAX_NAME = 200;

    public DeploymentRecord {
        Objects.requireNonNull(id, "id");
        checkName(name);
        Objects.requireNonNull(flowName, "flowName");
        Objects.requireNonNull(parameters, "parameters");
        schedules = List.copyOf(schedules);
        tags = Set.copyOf(tags);
        if (concurrencyLimit != null && concurrencyLimit < 1) {
            throw new IllegalArgumentException("The concurrency limit of deployment '" + name + "' must be 1 or more"
                    + " (or none), not " + concurrencyLimit);
        }
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(updated, "updated");
    }

    /** This deployment paused or resumed, updated at {@code now}. */
    public DeploymentRecord withPaused(boolean paused, Instant now) {
        return new DeploymentRecord(id, name, flowName, entrypoint, description, parameters, parameterSchema, schedules,
                tags, workPool, concurrencyLimit, paused, created, now);
    }

    /**
     * Checks a deployment name: what the CLI and the API take it as.
     *
     * @throws IllegalArgumentException if it is blank, too long or holds a control character, saying so
     */
    public static void checkName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("A deployment needs a name, such as 'nightly-etl'; got '" + name + "'");
        }
        if (name.length() > MAX_NAME) {
            throw new IllegalArgumentException("A deployment name is at most " + MAX_NAME + " characters; '"
                    + name.substring(0, 40) + "...' has " + name.length());
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                throw new IllegalArgumentException("A deployment name may not hold control characters: '"
                        + name.replaceAll("\\p{Cntrl}", "?") + "'");
            }
        }
    }
}
