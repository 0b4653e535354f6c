package dev.baton.cli;

import com.fasterxml.jackson.databind.SequenceWriter;
import dev.baton.StateType;
import dev.baton.spi.FlowRunDetail;
import dev.baton.spi.FlowRunFilter;
import dev.baton.spi.FlowRunSummary;
import dev.baton.spi.LogFilter;
import dev.baton.spi.LogLine;
import dev.baton.spi.Page;
import dev.baton.spi.RunHistory;
import dev.baton.spi.StateRecord;
import dev.baton.spi.TaskRunDetail;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code baton flow-run ls|inspect|logs|cancel|delete}: recorded flow runs, one in full, its log;
 * cancelling one, deleting one.
 */
@Command(name = "flow-run", synopsisSubcommandLabel = "<command>",
        description = "Inspect, cancel and delete recorded flow runs.",
        subcommands = {FlowRunCommand.Ls.class, FlowRunCommand.Inspect.class, FlowRunCommand.Logs.class,
                FlowRunCommand.Cancel.class, FlowRunCommand.Delete.class})
final class FlowRunCommand extends CommandGroup {
    static final String ID = "The flow run: its id, the start of its id, or its name (see baton flow-run ls).";

    /** The flow run, or a failure naming the id and where it was looked for. */
    static FlowRunDetail find(RunHistory history, UUID id) {
        return history.flowRun(id).orElseThrow(() -> noSuchRun(history, id));
    }

    static CommandFailure noSuchRun(RunHistory history, UUID id) {
        return new CommandFailure("No flow run with id " + id + " in " + history.description()
                + " (see baton flow-run ls)");
    }

    /** The flow run {@code reference} (an id, the start of one, a name) means. */
    static FlowRunDetail find(RunHistory history, String reference) {
        return find(history, FlowRunReference.resolve(history, reference));
    }

    @Command(name = "ls", description = "List flow runs, newest first.")
    static final class Ls extends HistoryCommand {
        @Option(names = "--state", paramLabel = "STATE", split = ",", description = "Only flow runs in these states"
                + " (repeatable, or comma-separated): ${COMPLETION-CANDIDATES}.")
        List<StateType> states = new ArrayList<>();

        @Option(names = "--name", paramLabel = "TEXT", description = "Only flow runs whose name or flow's name"
                + " contains TEXT.")
        String name;

        @Option(names = "--limit", paramLabel = "K", defaultValue = "20", description = "At most K flow runs"
                + " (default: ${DEFAULT-VALUE}).")
        int limit;

        Ls(CliEnvironment env) {
            super(env);
        }

        @Override
        int run(RunHistory history, Output out) {
            Page<FlowRunSummary> first = firstItems(limit, FlowRunFilter.MAX_LIMIT, (offset, page) ->
                    history.flowRuns(new FlowRunFilter(new HashSet<>(states), name, null, null, null, offset, page)));
            List<FlowRunSummary> runs = first.items();
            long total = first.total();
            if (out.json) {
                out.json(runs);
                return 0;
            }
            if (runs.isEmpty()) {
                boolean filtered = !states.isEmpty() || name != null;
                out.println(filtered ? "No flow runs match in " + history.description() + "."
                        : "No flow runs recorded yet in " + history.description() + ".");
                return 0;
            }
            Table table = new Table(List.of("ID", "NAME", "FLOW", "STATE", "START", "DURATION"), 36, 40, 40, 14, 19, 0);
            for (FlowRunSummary r : runs) {
                StateType type = r.state() == null ? null : r.state().type();
                table.row((i, cell) -> i == 3 ? out.style.state(type, cell) : i == 0 ? out.style.dim(cell) : cell,
                        r.id().toString(), r.name(), r.flowName(), Formats.state(r.state()), Formats.time(r.start()),
                        Formats.duration(r.start(), r.end()));
            }
            table.print(out.out, out.style);
            printShown(out, runs.size(), total, "flow runs");
            return 0;
        }
    }

    @Command(name = "inspect", description = "Show a flow run: its states, its task runs as a tree with their states"
            + " and durations, and what each waited for.")
    static final class Inspect extends HistoryCommand {
        @Parameters(paramLabel = "ID", description = FlowRunCommand.ID)
        String id;

        @Option(names = "--max-task-runs", paramLabel = "N", defaultValue = "500",
                description = "Show at most N task runs in the tree (default: ${DEFAULT-VALUE}; --json prints"
                        + " the flow run with its first " + FlowRunDetail.MAX_TASK_RUNS + " task runs).")
        int maxTaskRuns;

        Inspect(CliEnvironment env) {
            super(env);
        }

        @Override
        int run(RunHistory history, Output out) {
            FlowRunDetail detail = find(history, id);
            if (out.json) {
                out.json(detail);
                return 0;
            }
            FlowRunSummary r = detail.run();
            Style s = out.style;
            out.println(s.bold("Flow run " + r.name()) + " " + s.dim("(" + r.id() + ")"));
            List<String[]> fields = new ArrayList<>();
            fields.add(new String[] {"Flow", r.flowName()});
            fields.add(new String[] {"State", r.state() == null ? "-" : s.state(r.state().type(), r.state().name())
                    + (r.state().message() == null ? "" : "  " + Failures.oneLine(r.state().message()))});
            fields.add(new String[] {"Created", Formats.preciseTime(r.created())});
            fields.add(new String[] {"Started", Formats.preciseTime(r.start())});
            fields.add(new String[] {"Ended", Formats.preciseTime(r.end())});
            fields.add(new String[] {"Duration", Formats.duration(r.start(), r.end())});
            if (detail.parameters() != null && !detail.parameters().isBlank() && !detail.parameters().equals("[]")) {
                fields.add(new String[] {"Parameters", detail.parameters()});
            }
            if (r.parentFlowRunId() != null) fields.add(new String[] {"Parent", "flow run " + r.parentFlowRunId()});
            fields.add(new String[] {"Task runs", String.valueOf(Math.max(r.taskRuns(), detail.taskRuns().size()))});
            for (String[] f : fields) out.println("  " + f[0] + " ".repeat(12 - f[0].length()) + f[1]);

            out.println("");
            out.println(s.bold("State history"));
            Table states = new Table(List.of("TIME", "STATE", "MESSAGE"), 0, 0, 0);
            for (StateRecord state : detail.history()) {
                states.row((i, cell) -> i == 1 ? s.state(state.type(), cell) : cell,
                        Formats.preciseTime(state.timestamp()), state.name(),
                        state.message() == null ? "" : Failures.oneLine(state.message()));
            }
            indent(out, states);

            if (!detail.subflowRuns().isEmpty()) {
                out.println("");
                out.println(s.bold("Subflow runs"));
                Table subflows = new Table(List.of("ID", "NAME", "FLOW", "STATE", "DURATION"), 36, 40, 40, 14, 0);
                for (FlowRunSummary sub : detail.subflowRuns()) {
                    StateType type = sub.state() == null ? null : sub.state().type();
                    subflows.row((i, cell) -> i == 3 ? s.state(type, cell) : cell, sub.id().toString(), sub.name(),
                            sub.flowName(), Formats.state(sub.state()), Formats.duration(sub.start(), sub.end()));
                }
                indent(out, subflows);
            }

            out.println("");
            out.println(s.bold("Task runs") + s.dim(" (each under the last task run it waited for)"));
            if (r.taskRuns() == 0 && detail.taskRuns().isEmpty()) {
                out.println("  none");
            } else {
                new TaskRunTree(history, out, Math.max(1, maxTaskRuns)).print(detail);
            }
            return 0;
        }

        private static void indent(Output out, Table table) {
            java.io.StringWriter text = new java.io.StringWriter();
            java.io.PrintWriter w = new java.io.PrintWriter(text);
            table.print(w, out.style);
            w.flush();
            text.toString().lines().forEach(line -> out.println("  " + line));
        }
    }

    @Command(name = "logs", description = "Print a flow run's log lines (its task runs' too), oldest first.")
    static final class Logs extends HistoryCommand {
        /** How many lines one request asks for. */
        static final int PAGE = 1_000;

        @Parameters(paramLabel = "ID", description = FlowRunCommand.ID)
        String id;

        Logs(CliEnvironment env) {
            super(env);
        }

        @Override
        int run(RunHistory history, Output out) {
            FlowRunDetail detail = find(history, id);
            TaskRunNames taskRunNames = new TaskRunNames(history, detail);
            String flowRunName = detail.run().name();

            SequenceWriter json = out.json ? out.jsonArray() : null;
            int offset = 0;
            long printed = 0;
            try {
                while (true) {
                    Page<LogLine> page = history.logs(new LogFilter(detail.run().id(), null, offset, PAGE));
                    for (LogLine line : page.items()) {
                        if (json != null) json.write(line);
                        else out.println(format(line, flowRunName, taskRunNames, out.style));
                        printed++;
                    }
                    offset += page.items().size();
                    if (!page.hasMore() || page.items().isEmpty()) break;
                }
                if (json != null) {
                    json.close();
                    out.println("");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot write JSON: " + e.getMessage(), e);
            }
            if (json == null && printed == 0) {
                out.println(out.style.dim("No log lines recorded for flow run " + flowRunName + " (" + detail.run().id()
                        + ")."));
            }
            return 0;
        }

        static String format(LogLine line, String flowRunName, TaskRunNames taskRunNames, Style s) {
            String level = line.level() == null ? "" : line.level();
            String source = line.taskRunId() == null ? "Flow run '" + flowRunName + "' - "
                    : "Task run '" + taskRunNames.of(line.taskRunId()) + "' - ";
            // the first line names the run itself ("Created flow run 'x' for flow 'f'"), as on the console
            if (line.taskRunId() == null && line.message() != null
                    && line.message().startsWith("Created flow run '" + flowRunName + "'")) {
                source = "";
            }
            return s.dim(Formats.preciseTime(line.timestamp())) + " | "
                    + s.level(level, level + " ".repeat(Math.max(0, 5 - level.length()))) + " | "
                    + source + line.message();
        }

        /**
         * The names of a flow run's task runs for its log lines: those its detail holds, then
         * further pages of task runs (in creation order, as log lines mostly come) only when a line
         * names a task run not read yet.
         */
        static final class TaskRunNames {
            /** How many task runs one request for names asks for. */
            static final int NAMES_PAGE = 1_000;

            private final RunHistory history;
            private final UUID flowRunId;
            private final Map<UUID, String> names = new HashMap<>();
            private long read;
            private long total;

            TaskRunNames(RunHistory history, FlowRunDetail detail) {
                this.history = history;
                this.flowRunId = detail.run().id();
                for (TaskRunDetail t : detail.taskRuns()) names.put(t.id(), t.name());
                this.read = detail.taskRuns().size();
                this.total = detail.run().taskRuns();
            }

            String of(UUID taskRunId) {
                String name = names.get(taskRunId);
                while (name == null && read < total) {
                    var page = history.taskRuns(flowRunId, (int) Math.min(read, Integer.MAX_VALUE), NAMES_PAGE);
                    if (page.isEmpty() || page.get().items().isEmpty()) {
                        total = read;
                        break;
                    }
                    for (TaskRunDetail t : page.get().items()) names.put(t.id(), t.name());
                    read += page.get().items().size();
                    name = names.get(taskRunId);
                }
                return name != null ? name : taskRunId.toString();
            }
        }
    }

    @Command(name = "cancel", description = "Cancel a flow run that has not finished: it goes Cancelling, and the"
            + " process running it stops its task runs and ends it Cancelled.",
            footer = {"", "The process learns it with its next heartbeat (BATON_HEARTBEAT_INTERVAL, default 5 s)."})
    static final class Cancel extends HistoryCommand {
        @Parameters(paramLabel = "ID", description = FlowRunCommand.ID)
        String id;

        Cancel(CliEnvironment env) {
            super(env);
        }

        @Override
        int run(RunHistory history, Output out) {
            UUID runId = FlowRunReference.resolve(history, id);
            FlowRunSummary r = history.cancelFlowRun(runId).orElseThrow(() -> noSuchRun(history, runId));
            if (out.json) {
                out.json(r);
                return 0;
            }
            StateType type = r.state() == null ? null : r.state().type();
            out.println("Flow run '" + r.name() + "' (" + r.id() + ") is " + out.style.state(type, Formats.state(r.state()))
                    + ": the process running it stops it and ends it Cancelled.");
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a finished flow run: its states, task runs, log lines and"
            + " subflow runs.")
    static final class Delete extends HistoryCommand {
        @Parameters(paramLabel = "ID", description = FlowRunCommand.ID)
        String id;

        Delete(CliEnvironment env) {
            super(env);
        }

        @Override
        int run(RunHistory history, Output out) {
            FlowRunSummary r = find(history, id).run();
            if (!history.deleteFlowRun(r.id())) throw noSuchRun(history, r.id());
            if (out.json) {
                out.json(r);
                return 0;
            }
            out.println("Deleted flow run '" + r.name() + "' (" + r.id() + ").");
            return 0;
        }
    }
}
