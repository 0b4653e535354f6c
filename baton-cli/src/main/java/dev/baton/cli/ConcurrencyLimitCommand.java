package dev.baton.cli;

import dev.baton.spi.ConcurrencyLimit;
import dev.baton.spi.RunHistory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code baton concurrency-limit create|ls|inspect|delete}: how many task runs carrying a tag
 * may run at once, across every process recording in the same database or server.
 */
@Command(name = "concurrency-limit", synopsisSubcommandLabel = "<command>",
        description = "Limit how many task runs with a tag run at once.",
        subcommands = {ConcurrencyLimitCommand.Create.class, ConcurrencyLimitCommand.Ls.class,
                ConcurrencyLimitCommand.Inspect.class, ConcurrencyLimitCommand.Delete.class})
final class ConcurrencyLimitCommand extends CommandGroup {

    @Command(name = "create", description = "Create the limit of a tag, or change it.")
    static final class Create extends HistoryCommand {
        @Parameters(index = "0", paramLabel = "TAG", description = "The tag, as given to Task.named(...).tags(...).")
        String tag;

        @Parameters(index = "1", paramLabel = "LIMIT", description = "How many of its task runs may run at once"
                + " (0: none may start).")
        int limit;

        Create(CliEnvironment env) {
            super(env);
        }

        @Override
        int run(RunHistory history, Output out) {
            if (limit < 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "LIMIT must be 0 or more, not " + limit);
            }
            ConcurrencyLimit created = history.putConcurrencyLimit(tag, limit);
            if (out.json) out.json(created);
            else out.println("Concurrency limit of tag '" + created.tag() + "' set to " + created.limit()
                    + " (" + created.activeSlots().size() + " slots held now).");
            return 0;
        }
    }

    @Command(name = "ls", description = "List the limits, by tag.")
    static final class Ls extends HistoryCommand {
        Ls(CliEnvironment env) {
            super(env);
        }

        @Override
        int run(RunHistory history, Output out) {
            List<ConcurrencyLimit> limits = history.concurrencyLimits();
            if (out.json) {
                out.json(limits);
                return 0;
            }
            if (limits.isEmpty()) {
                out.println("No concurrency limits in " + history.description()
                        + " (create one with baton concurrency-limit create TAG LIMIT).");
                return 0;
            }
            Table table = new Table(List.of("TAG", "LIMIT", "ACTIVE", "CREATED"), 60, 0, 0, 0);
            for (ConcurrencyLimit l : limits) {
                boolean full = l.activeSlots().size() >= l.limit();
                table.row((i, cell) -> i == 2 && full ? out.style.yellow(cell) : cell, l.tag(),
                        String.valueOf(l.limit()), String.valueOf(l.activeSlots().size()), Formats.time(l.created()));
            }
            table.print(out.out, out.style);
            return 0;
        }
    }

    /** What a command says of a tag without a limit. */
    private static CommandFailure noLimit(String tag, RunHistory history) {
        return new CommandFailure("No concurrency limit for tag '" + tag + "' in " + history.description()
                + " (see baton concurrency-limit ls)");
    }

    @Command(name = "inspect", description = "Show the limit of a tag and the task runs holding its slots.")
    static final class Inspect extends HistoryCommand {
        @Parameters(paramLabel = "TAG")
        String tag;

        Inspect(CliEnvironment env) {
            super(env);
        }

        @Override
        int run(RunHistory history, Output out) {
            ConcurrencyLimit l = history.concurrencyLimit(tag).orElseThrow(() -> noLimit(tag, history));
            if (out.json) {
                out.json(l);
                return 0;
            }
            out.println(out.style.bold("Concurrency limit of tag '" + l.tag() + "'"));
            out.println("  Limit       " + l.limit());
            out.println("  Active      " + l.activeSlots().size());
            out.println("  Created     " + Formats.preciseTime(l.created()));
            if (!l.activeSlots().isEmpty()) {
                out.println("  Held by task runs:");
                for (UUID id : l.activeSlots()) out.println("    " + id);
            }
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete the limit of a tag: its task runs no longer wait for slots.")
    static final class Delete extends HistoryCommand {
        @Parameters(paramLabel = "TAG")
        String tag;

        Delete(CliEnvironment env) {
            super(env);
        }

        @Override
        int run(RunHistory history, Output out) {
            if (!history.deleteConcurrencyLimit(tag)) throw noLimit(tag, history);
            if (out.json) out.json(Map.of("tag", tag, "deleted", true));
            else out.println("Deleted the concurrency limit of tag '" + tag + "'.");
            return 0;
        }
    }
}
