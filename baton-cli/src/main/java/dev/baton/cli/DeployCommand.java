package dev.baton.cli;

import dev.baton.Deployment;
import dev.baton.Schedule;
import dev.baton.deploy.DeployedFlow;
import dev.baton.deploy.ParameterSchema;
import dev.baton.spi.DeploymentRecord;
import dev.baton.spi.Deployments;
import dev.baton.spi.RunHistory;
import dev.baton.spi.ScheduledRun;
import dev.baton.spi.Scheduling;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code baton deploy --flow com.acme.Flows#nightly --name nightly --cron "0 2 * * *" --pool default}:
 * registers a flow of the user's jars as a deployment whose runs the work pool's workers start, as
 * Prefect's {@code prefect deploy}. The flow is loaded here first, so a wrong entrypoint or a
 * parameter that does not fit is refused now, not when a run is due.
 */
@Command(name = "deploy", description = "Register a flow as a deployment for the workers of a work pool.")
final class DeployCommand extends HistoryCommand {
    @Option(names = "--flow", required = true, paramLabel = "CLASS#FIELD", description = "The flow: its class and the"
            + " static field holding it, e.g. com.acme.Flows#nightly.")
    String flow;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "The deployment's name; an existing"
            + " one is updated.")
    String name;

    @Option(names = {"--class-path", "-cp"}, paramLabel = "JARS", description = "The jars or class directories holding"
            + " the flow, separated by ':' as in java -cp (the workers need them too).")
    String classPath;

    @Option(names = "--cron", paramLabel = "EXPR", description = "A cron schedule (repeatable), read in --timezone.")
    List<String> crons = new ArrayList<>();

    @Option(names = "--interval", paramLabel = "DURATION", description = "An interval schedule (repeatable): 15m, 1h,"
            + " P1D, PT90M, counted from --anchor.")
    List<String> intervals = new ArrayList<>();

    @Option(names = "--rrule", paramLabel = "RULE", description = "An RFC 5545 recurrence rule (repeatable), read in"
            + " --timezone.")
    List<String> rrules = new ArrayList<>();

    @Option(names = "--timezone", paramLabel = "ZONE", defaultValue = "UTC", description = "The time zone of cron and"
            + " rrule schedules, e.g. Europe/Paris (default: ${DEFAULT-VALUE}).")
    String timezone;

    @Option(names = "--anchor", paramLabel = "TIME", description = "Where intervals count from, e.g."
            + " 2026-01-05T09:00+01:00[Europe/Paris] (default: 2020-01-01T00:00Z).")
    String anchor;

    @Option(names = "--pool", paramLabel = "POOL", defaultValue = DeploymentRecord.DEFAULT_POOL, description = "The work"
            + " pool whose workers start its runs (default: ${DEFAULT-VALUE}).")
    String pool;

    @Option(names = {"--param", "-p"}, paramLabel = "NAME=VALUE", description = "A parameter its runs get"
            + " (repeatable); VALUE is read as JSON when it is JSON, else as text, and as text for a parameter that"
            + " takes a string.")
    List<String> params = new ArrayList<>();

    @Option(names = "--tag", paramLabel = "TAG", description = "A tag (repeatable).")
    List<String> tags = new ArrayList<>();

    @Option(names = "--description", paramLabel = "TEXT")
    String description;

    @Option(names = "--limit", paramLabel = "K", description = "At most K of its runs pending or running at once.")
    Integer limit;

    @Option(names = "--paused", description = "Create it paused: no scheduled runs until resumed.")
    boolean paused;

    DeployCommand(CliEnvironment env) {
        super(env);
    }

    @Override
    int run(RunHistory history, Output out) {
        DeployedFlow deployed;
        try {
            deployed = DeployedFlow.load(flow, new URLClassLoader("baton-deploy", UserClassPath.urls(classPath), DeployCommand.class.getClassLoader()));
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(e.getMessage());
        }
        Deployment d;
        try {
            d = deployment(ParameterSchema.of(deployed.flowName(), deployed.parameters().jsonSchema()));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        try {
            deployed.checkParameters(d);
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(e.getMessage());
        }
        Deployments deployments = history.deployments();
        Instant now = Instant.now();
        boolean existed = deployments.get(name).isPresent();
        DeploymentRecord stored = deployed.register(deployments, d, pool, now);
        deployments.addScheduledRuns(Scheduling.upcoming(stored, now));
        List<ScheduledRun> next = deployments.scheduledRuns(stored.id(), 3);
        if (out.json) {
            out.json(DeploymentCommand.json(stored, next));
            return 0;
        }
        out.println((existed ? "Updated" : "Created") + " deployment '" + stored.name() + "' of flow '"
                + stored.flowName() + "' (" + stored.entrypoint() + ") in work pool '" + pool + "'.");
        if (stored.schedules().isEmpty()) {
            out.println("No schedule: start runs with baton deployment run " + stored.name() + ".");
        } else {
            out.println("Next runs: " + String.join(", ", next.stream().map(r -> Formats.time(r.due())).toList())
                    + (stored.paused() ? " (paused)" : ""));
        }
        out.println("A worker starts them: baton worker start --pool " + pool
                + (classPath == null ? "" : " --class-path " + classPath));
        return 0;
    }

    /** The deployment the options describe; {@code schema}: the flow's parameters, to read --param values as. */
    private Deployment deployment(ParameterSchema schema) {
        Deployment d = Deployment.named(name).workPool(pool).paused(paused).tags(tags.toArray(String[]::new));
        if (description != null) d = d.description(description);
        if (limit != null) d = d.concurrencyLimit(limit);
        d = d.parameters(DeploymentCommand.Run.parameters(params, schema::takesText));
        List<Schedule> schedules = new ArrayList<>();
        for (String c : crons) schedules.add(Schedule.cron(c, timezone));
        for (String r : rrules) schedules.add(Schedule.rrule(r, timezone));
        for (String i : intervals) {
            java.time.Duration every = DeploymentCommand.duration(spec, i, "--interval");
            schedules.add(anchor == null ? Schedule.interval(every) : Schedule.interval(every, anchor()));
        }
        return d.schedules(schedules.toArray(Schedule[]::new));
    }

    private ZonedDateTime anchor() {
        try {
            return ZonedDateTime.parse(anchor);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("--anchor takes a time with its offset, such as 2026-01-05T09:00+01:00"
                    + " or 2026-01-05T09:00+01:00[Europe/Paris]; got '" + anchor + "'");
        }
    }
}
