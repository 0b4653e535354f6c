package dev.baton.cli;

import dev.baton.StateType;
import dev.baton.spi.FlowSummary;
import dev.baton.spi.Page;
import dev.baton.spi.RunHistory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;

/** {@code baton flow ls|inspect}: the flows runs were made of, with their run counts and newest runs. */
@Command(name = "flow", synopsisSubcommandLabel = "<command>",
        description = "Inspect flows: the named flows recorded runs were made of.",
        subcommands = {FlowCommand.Ls.class, FlowCommand.Inspect.class})
final class FlowCommand extends CommandGroup {

    @Command(name = "ls", description = "List flows by name, with how many runs each has and its newest run.")
    static final class Ls extends HistoryCommand {
        @Option(names = "--limit", paramLabel = "K", defaultValue = "50", description = "At most K flows"
                + " (default: ${DEFAULT-VALUE}).")
        int limit;

        Ls(CliEnvironment env) {
            super(env);
        }

        @Override
        int run(RunHistory history, Output out) {
            Page<FlowSummary> first = firstItems(limit, FlowSummary.MAX_LIMIT, history::flows);
            List<FlowSummary> flows = first.items();
            long total = first.total();
            if (out.json) {
                out.json(flows);
                return 0;
            }
            if (flows.isEmpty()) {
                out.println("No flow runs recorded yet in " + history.description() + ".");
                return 0;
            }
            Table table = new Table(List.of("NAME", "RUNS", "LAST RUN", "LAST STATE"), 60, 0, 19, 0);
            for (FlowSummary f : flows) {
                StateType type = f.lastState() == null ? null : f.lastState().type();
                table.row((i, cell) -> i == 3 ? out.style.state(type, cell) : cell, f.name(),
                        String.valueOf(f.flowRuns()), Formats.time(f.lastRun()), Formats.state(f.lastState()));
            }
            table.print(out.out, out.style);
            printShown(out, flows.size(), total, "flows");
            return 0;
        }
    }

    @Command(name = "inspect", description = "Show a flow: how many runs it has, when the first and the newest"
            + " were made, and the newest one's state.")
    static final class Inspect extends HistoryCommand {
        @Parameters(paramLabel = "NAME", description = "The flow's exact name (see baton flow ls).")
        String name;

        Inspect(CliEnvironment env) {
            super(env);
        }

        @Override
        int run(RunHistory history, Output out) {
            if (name.isBlank()) throw new CommandLine.ParameterException(spec.commandLine(), "A flow name is needed,"
                    + " not a blank one (see baton flow ls)");
            FlowSummary f = history.flow(name).orElseThrow(() -> new CommandFailure("No flow named '" + name
                    + "' in " + history.description() + " (see baton flow ls)"));
            if (out.json) {
                out.json(f);
                return 0;
            }
            Style s = out.style;
            out.println(s.bold("Flow " + f.name()));
            List<String[]> fields = new ArrayList<>();
            fields.add(new String[] {"Runs", String.valueOf(f.flowRuns())});
            fields.add(new String[] {"First run", Formats.preciseTime(f.firstRun())});
            fields.add(new String[] {"Last run", Formats.preciseTime(f.lastRun())
                    + (f.lastFlowRunId() == null ? "" : "  " + s.dim(f.lastFlowRunId().toString()))});
            fields.add(new String[] {"Last state", f.lastState() == null ? "-"
                    : s.state(f.lastState().type(), f.lastState().name())
                    + (f.lastState().message() == null ? "" : "  " + Failures.oneLine(f.lastState().message()))});
            for (String[] field : fields) out.println("  " + field[0] + " ".repeat(12 - field[0].length()) + field[1]);
            if (f.lastFlowRunId() != null) {
                out.println("");
                out.println(s.dim("The newest run in full: baton flow-run inspect " + f.lastFlowRunId()));
            }
            return 0;
        }
    }
}
