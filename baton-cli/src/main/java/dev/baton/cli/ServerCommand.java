package dev.baton.cli;

import dev.baton.store.jdbc.JdbcSchema;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code baton server start} and {@code baton server database upgrade|reset}. */
@Command(name = "server", synopsisSubcommandLabel = "<command>",
        description = "Start the API server; administer its database.",
        subcommands = {ServerStart.class, ServerCommand.Database.class})
final class ServerCommand extends CommandGroup {

    @Command(name = "database", synopsisSubcommandLabel = "<command>",
            description = "Administer the database runs are recorded in: BATON_DATABASE_URL, else the embedded file"
                    + " under BATON_HOME.",
            subcommands = {Upgrade.class, Reset.class})
    static final class Database extends CommandGroup {
    }

    /** A command on the database itself (never through the API server). */
    abstract static class DatabaseCommand implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        OutputOptions options;

        final CliEnvironment env;

        DatabaseCommand(CliEnvironment env) {
            this.env = env;
        }

        @Override
        public final Integer call() {
            Output out = new Output(spec.commandLine().getOut(), env, options);
            int code = run(JdbcSchema.of(HistorySource.databaseUrl(env), null), out);
            out.out.flush();
            return code;
        }

        abstract int run(JdbcSchema schema, Output out);
    }

    @Command(name = "upgrade", description = "Apply the schema migrations the database does not have yet.")
    static final class Upgrade extends DatabaseCommand {
        Upgrade(CliEnvironment env) {
            super(env);
        }

        @Override
        int run(JdbcSchema schema, Output out) {
            int before = schema.version();
            if (before > JdbcSchema.latestVersion()) {
                throw new CommandFailure("The database at " + schema.description() + " is at schema version " + before
                        + ", newer than this Baton knows (" + JdbcSchema.latestVersion() + "): upgrade Baton instead");
            }
            int applied = schema.upgrade();
            int after = schema.version();
            if (out.json) {
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("database", schema.description());
                result.put("before", before);
                result.put("after", after);
                result.put("applied", applied);
                out.json(result);
            } else if (applied == 0) {
                out.println("Database " + schema.description() + " is at schema version " + after
                        + ", the latest: nothing to do.");
            } else {
                out.println("Upgraded database " + schema.description() + " from schema version " + before + " to "
                        + after + " (" + applied + (applied == 1 ? " migration" : " migrations") + " applied).");
            }
            return 0;
        }
    }

    @Command(name = "reset", description = "Drop Baton's tables, with every recorded run, log line and concurrency"
            + " limit, and create them again, empty. Asks for --yes.")
    static final class Reset extends DatabaseCommand {
        @Option(names = "--yes", description = "Yes, delete every recorded run in the database.")
        boolean yes;

        Reset(CliEnvironment env) {
            super(env);
        }

        @Override
        int run(JdbcSchema schema, Output out) {
            if (!yes) {
                throw new CommandFailure("'server database reset' deletes every flow run, task run, log line and"
                        + " concurrency limit recorded in " + schema.description() + " by dropping Baton's tables"
                        + " and creating them again, empty; nothing else in the database is touched. To do it, run:"
                        + " baton server database reset --yes");
            }
            List<String> dropped = schema.reset();
            int after = schema.version();
            if (out.json) {
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("database", schema.description());
                result.put("dropped", dropped);
                result.put("after", after);
                out.json(result);
            } else {
                out.println("Reset database " + schema.description() + ": dropped " + dropped.size()
                        + (dropped.size() == 1 ? " table" : " tables") + ", schema created again at version " + after
                        + ", empty.");
            }
            return 0;
        }
    }
}
