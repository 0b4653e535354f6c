package dev.baton.cli;

import dev.baton.Schedule;
import dev.baton.deploy.ParameterSchema;
import dev.baton.spi.DeploymentJson;
import dev.baton.spi.DeploymentRecord;
import dev.baton.spi.Deployments;
import dev.baton.spi.FlowRunDetail;
import dev.baton.spi.LogFilter;
import dev.baton.spi.LogLine;
import dev.baton.spi.Page;
import dev.baton.spi.RunHistory;
import dev.baton.spi.ScheduledRun;
import dev.baton.spi.Scheduling;
import dev.baton.spi.StateRecord;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code baton deployment ls|inspect|pause|resume|delete|run}: the deployments kept where runs are
 * recorded (made by {@code flow.serve(...)}), and ad-hoc runs of them, followed with {@code --watch}.
 */
@Command(name = "deployment", synopsisSubcommandLabel = "<command>",
        description = "List, inspect, pause, resume, delete and run deployments.",
        subcommands = {DeploymentCommand.Ls.class, DeploymentCommand.Inspect.class, DeploymentCommand.Pause.class,
                DeploymentCommand.Resume.class, DeploymentCommand.Delete.class, DeploymentCommand.Run.class})
final class DeploymentCommand extends CommandGroup {
    static final String NAME = "The deployment's name (see baton deployment ls).";

    static DeploymentRecord find(RunHistory history, String name) {
        return history.deployments().get(name).orElseThrow(() -> new CommandFailure("No deployment named '" + name
                + "' in " + history.description() + " (see baton deployment ls)"));
    }

    /** The parameter schema deployment {@code d} keeps, or null if it keeps none (or one not readable). */
    static ParameterSchema schema(DeploymentRecord d) {
        if (d.parameterSchema() == null) return null;
        try {
            return ParameterSchema.of(d.flowName(), d.parameterSchema());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * A deployment as the JSON output shows it: schedules in their JSON form, parameters and the
     * parameter schema as objects.
     */
    static Map<String, Object> json(DeploymentRecord d, List<ScheduledRun> upcoming) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", d.id());
        m.put("name", d.name());
        m.put("flowName", d.flowName());
        m.put("entrypoint", d.entrypoint());
        m.put("description", d.description());
        m.put("parameters", DeploymentJson.parameters(d.parameters()));
        m.put("parameterSchema", DeploymentJson.parameterSchema(d.parameterSchema()));
        m.put("schedules", d.schedules().stream().map(DeploymentJson::toMap).toList());
        m.put("tags", d.tags());
        m.put("workPool", d.workPool());
        m.put("concurrencyLimit", d.concurrencyLimit());
        m.put("paused", d.paused());
        m.put("created", d.created());
        m.put("updated", d.updated());
        if (upcoming != null) {
            m.put("scheduledRuns", upcoming.stream().map(r -> Map.of("id", r.id(), "name", r.name(),
                    "due", r.due(), "state", r.state().name())).toList());
        }
        return m;
    }

    static String schedules(List<Schedule> schedules) {
        if (schedules.isEmpty()) return "-";
        List<String> out = new ArrayList<>();
        for (Schedule s : schedules) {
            out.add(switch (s.kind()) {
                case CRON -> s.expression() + (s.zone().getId().equals("UTC") ? "" : " " + s.zone().getId());
                case INTERVAL -> "every " + Formats.duration(Duration.parse(s.expression()));
                case RRULE -> "rrule";
            });
        }
        return String.join("; ", out);
    }

    @Command(name = "ls", description = "List the deployments, by name.")
    static final class Ls extends HistoryCommand {
        Ls(CliEnvironment env) {
            super(env);
        }

        @Override
        int run(RunHistory history, Output out) {
            Deployments deployments = history.deployments();
            List<DeploymentRecord> all = deployments.list();
            if (out.json) {
                out.json(all.stream().map(d -> json(d, null)).toList());
                return 0;
            }
            if (all.isEmpty()) {
                out.println("No deployments in " + history.description() + " (serve a flow with"
                        + " flow.serve(\"name\", Schedule.cron(...)) to make one).");
                return 0;
            }
            Table table = new Table(List.of("NAME", "FLOW", "SCHEDULE", "STATUS", "NEXT RUN"), 40, 40, 40, 0, 0);
            for (DeploymentRecord d : all) {
                List<ScheduledRun> next = deployments.scheduledRuns(d.id(), 1);
                String status = d.paused() ? "paused" : "active";
                table.row((i, cell) -> i == 3 && d.paused() ? out.style.yellow(cell) : cell, d.name(), d.flowName(),
                        schedules(d.schedules()), status, next.isEmpty() ? "-" : Formats.time(next.get(0).due()));
            }
            table.print(out.out, out.style);
            return 0;
        }
    }

    /**
     * The lines showing the parameters deployment {@code d}'s flow takes, each with its type as the
     * schema says and the deployment's value for it, if any: under a "Parameters" heading.
     */
    static List<String> parameterLines(DeploymentRecord d) {
        Map<String, Object> given = DeploymentJson.parameters(d.parameters());
        ParameterSchema schema = schema(d);
        List<String> lines = new ArrayList<>();
        if (schema == null) {
            lines.add("  Parameters    " + d.parameters() + (given.isEmpty() ? "" : "  (their types are not known:"
                    + " deployed before Baton kept its flow's parameter schema)"));
            return lines;
        }
        List<String[]> rows = new ArrayList<>();
        for (ParameterSchema.Parameter p : schema.parameters()) {
            rows.add(new String[] {p.name(), p.type(), given.containsKey(p.name())
                    ? "default " + Run.json(given.get(p.name())) : p.required() ? "required, no default" : "optional"});
        }
        for (Map.Entry<String, Object> e : given.entrySet()) {
            if (schema.parameters().stream().noneMatch(p -> p.name().equals(e.getKey()))) {
                rows.add(new String[] {e.getKey(), "(not a parameter of the flow)", "default " + Run.json(e.getValue())});
            }
        }
        if (rows.isEmpty()) {
            lines.add("  Parameters    none");
            return lines;
        }
        int nameWidth = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
        int typeWidth = rows.stream().mapToInt(r -> r[1].length()).max().orElse(0);
        lines.add("  Parameters");
        for (String[] r : rows) {
            lines.add("    " + pad(r[0], nameWidth) + "  " + pad(r[1], typeWidth) + "  " + r[2]);
        }
        return lines;
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }

    @Command(name = "inspect", description = "Show a deployment, its schedules, the parameters its flow takes and"
            + " next runs.")
    static final class Inspect extends HistoryCommand {
        @Parameters(paramLabel = "NAME", description = NAME)
        String name;

        @Option(names = "--runs", paramLabel = "K", defaultValue = "5", description = "Show the next K scheduled"
                + " runs (default: ${DEFAULT-VALUE}).")
        int runs;

        Inspect(CliEnvironment env) {
            super(env);
        }

        @Override
        int run(RunHistory history, Output out) {
            DeploymentRecord d = find(history, name);
            List<ScheduledRun> upcoming = history.deployments().scheduledRuns(d.id(), Math.max(1, runs));
            if (out.json) {
                out.json(json(d, upcoming));
                return 0;
            }
            out.println(out.style.bold("Deployment '" + d.name() + "'") + (d.paused() ? " " + out.style.yellow("(paused)") : ""));
            out.println("  Id            " + d.id());
            out.println("  Flow          " + d.flowName());
            if (d.entrypoint() != null) out.println("  Entrypoint    " + d.entrypoint());
            if (d.description() != null) out.println("  Description   " + d.description());
            for (String line : parameterLines(d)) out.println(line);
            out.println("  Work pool     " + d.workPool());
            out.println("  Limit         " + (d.concurrencyLimit() == null ? "none" : d.concurrencyLimit() + " at once"));
            if (!d.tags().isEmpty()) out.println("  Tags          " + String.join(", ", d.tags()));
            out.println("  Created       " + Formats.preciseTime(d.created()));
            out.println("  Updated       " + Formats.preciseTime(d.updated()));
            out.println("  Schedules" + (d.schedules().isEmpty() ? "     none: runs are ad hoc (baton deployment run "
                    + d.name() + ")" : ""));
            for (Schedule s : d.schedules()) out.println("    " + s);
            out.println("  Next runs" + (upcoming.isEmpty() ? "     none" : ""));
            for (ScheduledRun r : upcoming) {
                out.println("    " + Formats.time(r.due()) + "  " + r.name() + "  " + r.state().name()
                        + (r.idempotencyKey() == null ? "  (ad hoc)" : ""));
            }
            return 0;
        }
    }

    /** Pause and resume. */
    abstract static class Pausing extends HistoryCommand {
        @Parameters(paramLabel = "NAME", description = NAME)
        String name;

        Pausing(CliEnvironment env) {
            super(env);
        }

        int set(RunHistory history, Output out, boolean paused) {
            DeploymentRecord d = history.deployments().setPaused(name, paused, Instant.now())
                    .orElseThrow(() -> new CommandFailure("No deployment named '" + name + "' in "
                            + history.description() + " (see baton deployment ls)"));
            if (out.json) out.json(json(d, null));
            else if (paused) out.println("Paused deployment '" + name + "': its scheduled runs are deleted and no new"
                    + " ones are made until it is resumed (baton deployment resume " + name + ").");
            else out.println("Resumed deployment '" + name + "': its runs are made again (by the process serving it,"
                    + " or the workers of its pool and the API server).");
            return 0;
        }
    }

    @Command(name = "pause", description = "Pause a deployment: no scheduled runs until it is resumed.")
    static final class Pause extends Pausing {
        Pause(CliEnvironment env) {
            super(env);
        }

        @Override
        int run(RunHistory history, Output out) {
            return set(history, out, true);
        }
    }

    @Command(name = "resume", description = "Resume a paused deployment.")
    static final class Resume extends Pausing {
        Resume(CliEnvironment env) {
            super(env);
        }

        @Override
        int run(RunHistory history, Output out) {
            return set(history, out, false);
        }
    }

    @Command(name = "delete", description = "Delete a deployment and its runs not yet started (its past runs stay).")
    static final class Delete extends HistoryCommand {
        @Parameters(paramLabel = "NAME", description = NAME)
        String name;

        Delete(CliEnvironment env) {
            super(env);
        }

        @Override
        int run(RunHistory history, Output out) {
            find(history, name);
            if (!history.deployments().delete(name)) {
                throw new CommandFailure("No deployment named '" + name + "' in " + history.description());
            }
            if (out.json) out.json(Map.of("name", name, "deleted", true));
            else out.println("Deleted deployment '" + name + "'.");
            return 0;
        }
    }

    @Command(name = "run", description = "Create a run of a deployment now (or later), with parameters of its own;"
            + " a process serving the deployment starts it.")
    static final class Run extends HistoryCommand {
        private static final ObjectMapper JSON = new ObjectMapper();

        @Parameters(paramLabel = "NAME", description = NAME)
        String name;

        @Option(names = {"--param", "-p"}, paramLabel = "NAME=VALUE", description = "A parameter for this run, over"
                + " the deployment's (repeatable); VALUE is read as JSON when it is JSON (42, true, [1,2],"
                + " \"text\"), else as text, and as text for a parameter that takes a string. The parameters are"
                + " checked against the flow's (baton deployment inspect NAME) before the run is created.")
        List<String> params = new ArrayList<>();

        @Option(names = "--in", paramLabel = "DURATION", description = "Due after this long (e.g. 10m, 2h, PT30S, P1D)"
                + " rather than now.")
        String in;

        @Option(names = "--watch", description = "Follow the run's states and log lines until it ends; exit 0 if it"
                + " completed, 1 if not.")
        boolean watch;

        @Option(names = "--watch-timeout", paramLabel = "DURATION", description = "With --watch, give up after this"
                + " long (exit 2); default: wait as long as it takes.")
        String watchTimeout;

        Run(CliEnvironment env) {
            super(env);
        }

        @Override
        int run(RunHistory history, Output out) {
            DeploymentRecord d = find(history, name);
            ParameterSchema schema = schema(d);
            Map<String, Object> overrides;
            try {
                overrides = parameters(params, key -> schema != null && schema.takesText(key));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            Instant now = Instant.now();
            Instant due = in == null ? now : now.plus(duration(spec, in, "--in"));
            String parameters = DeploymentJson.merged(d.parameters(), overrides);
            if (schema != null) {
                try {
                    schema.check(parameters);
                } catch (IllegalArgumentException e) {
                    throw new CommandFailure(e.getMessage() + ". No run was created (the parameters of deployment '"
                            + d.name() + "': baton deployment inspect " + d.name() + ")");
                }
            }
            ScheduledRun run = Scheduling.adHoc(d, parameters, due, now);
            history.deployments().addScheduledRuns(List.of(run));
            if (!watch) {
                if (out.json) out.json(Map.of("id", run.id(), "name", run.name(), "deployment", d.name(),
                        "due", due, "parameters", DeploymentJson.parameters(run.parameters())));
                else out.println("Created flow run '" + run.name() + "' (" + run.id() + ") of deployment '" + d.name()
                        + "', due " + (in == null ? "now" : Formats.time(due)) + ": a process serving the deployment"
                        + " starts it (follow it with baton flow-run logs " + run.id() + ").");
                return 0;
            }
            out.println("Created flow run '" + run.name() + "' (" + run.id() + ") of deployment '" + d.name() + "'"
                    + (d.paused() ? " " + out.style.yellow("(the deployment is paused: its runner may not be serving it)") : ""));
            return follow(history, out, run, watchTimeout == null ? null : duration(spec, watchTimeout, "--watch-timeout"));
        }

        /** Prints the run's new states and log lines until it ends; its exit code. */
        private int follow(RunHistory history, Output out, ScheduledRun run, Duration timeout) {
            long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
            int statesShown = 0;
            int logsShown = 0;
            while (true) {
                Optional<FlowRunDetail> detail = history.flowRun(run.id());
                if (detail.isEmpty()) {
                    throw new CommandFailure("Flow run " + run.id() + " was deleted while being watched");
                }
                List<StateRecord> states = detail.get().history();
                for (; statesShown < states.size(); statesShown++) {
                    StateRecord s = states.get(statesShown);
                    out.println(out.style.dim(Formats.preciseTime(s.timestamp())) + " | state | "
                            + s.name() + (s.message() == null ? "" : " ('" + s.message() + "')"));
                }
                FlowRunCommand.Logs.TaskRunNames names = new FlowRunCommand.Logs.TaskRunNames(history, detail.get());
                while (true) {
                    Page<LogLine> page = history.logs(new LogFilter(run.id(), null, logsShown, 500));
                    for (LogLine line : page.items()) {
                        out.println(FlowRunCommand.Logs.format(line, run.name(), names, out.style));
                    }
                    logsShown += page.items().size();
                    if (!page.hasMore() || page.items().isEmpty()) break;
                }
                out.out.flush();
                StateRecord last = states.isEmpty() ? null : states.get(states.size() - 1);
                if (last != null && last.isFinal()) {
                    return last.type() == dev.baton.StateType.COMPLETED ? 0 : 1;
                }
                if (System.nanoTime() > deadline) {
                    out.println("Stopped watching after " + watchTimeout + ": flow run '" + run.name() + "' is "
                            + (last == null ? "not started" : last.name()));
                    return 2;
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return 130;
                }
            }
        }

        /**
         * A parameter value: for a parameter that takes text, the text itself (unless it is a JSON
         * string, or null); for any other, JSON if it is JSON, else the text itself.
         */
        static Object value(String text, boolean takesText) {
            if (!takesText) return value(text);
            if (text.equals("null")) return null;
            if (text.startsWith("\"") && value(text) instanceof String s) return s;
            return text;
        }

        /** {@code value} as compact JSON. */
        static String json(Object value) {
            try {
                return JSON.writeValueAsString(value);
            } catch (JsonProcessingException e) {
                return String.valueOf(value);
            }
        }

        /**
         * The {@code --param NAME=VALUE} options as parameters by name, each value read by {@link #value}
         * ({@code takesText}: whether the parameter of that name takes a string).
         *
         * @throws IllegalArgumentException if an option is not NAME=VALUE, saying so
         */
        static Map<String, Object> parameters(List<String> options, java.util.function.Predicate<String> takesText) {
            Map<String, Object> values = new LinkedHashMap<>();
            for (String p : options) {
                int eq = p.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("--param takes NAME=VALUE, such as --param day=2026-01-01;"
                            + " got '" + p + "'");
                }
                String key = p.substring(0, eq);
                values.put(key, value(p.substring(eq + 1), takesText.test(key)));
            }
            return values;
        }

        /** A parameter value: JSON if it is JSON, else the text itself. */
        static Object value(String text) {
            try {
                return JSON.readValue(text, Object.class);
            } catch (Exception notJson) {
                return text;
            }
        }
    }

    /** A duration as options take it: 200ms, 30s, 10m, 2h or ISO-8601 (PT1H30M, P1D), as the BATON_* variables. */
    static Duration duration(picocli.CommandLine.Model.CommandSpec spec, String text, String option) {
        try {
            return dev.baton.spi.ConfiguredDuration.parse(option, text);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
