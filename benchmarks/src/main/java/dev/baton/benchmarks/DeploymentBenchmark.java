package dev.baton.benchmarks;

import dev.baton.Flow;
import dev.baton.Flow0;
import dev.baton.Schedule;
import dev.baton.StateType;
import dev.baton.spi.DeploymentRecord;
import dev.baton.spi.Deployments;
import dev.baton.spi.FlowRunDetail;
import dev.baton.spi.FlowRunFilter;
import dev.baton.spi.FlowRunSummary;
import dev.baton.spi.Ids;
import dev.baton.spi.ScheduledRun;
import dev.baton.spi.Scheduling;
import dev.baton.spi.StateRecord;
import dev.baton.store.jdbc.JdbcRunHistory;
import dev.baton.store.jdbc.JdbcRunStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Deployments end to end. {@code --case start}: real worker processes ({@code baton worker start})
 * on one work pool start runs falling due at a steady rate, and the latency from each run's due
 * time to its Running state (as recorded) is summed up as p50, p90, p99 and max, with flows in the
 * workers' JVM or in a JVM each. {@code --case scheduler}: the scheduler's cost for many deployments
 * with minute schedules: the first pass (100 runs ahead each), then one pass a minute of simulated
 * time, and the database's size.
 *
 * <pre>
 * DeploymentBenchmark --case start [--mode in-process|jvm] [--runs N] [--over SECONDS] [--workers K] [--database URL]
 * DeploymentBenchmark --case scheduler [--deployments N] [--minutes M] [--database URL]
 * </pre>
 * Without {@code --database}, a fresh embedded database; a PostgreSQL URL gets a fresh schema, dropped after.
 */
public final class DeploymentBenchmark {
    /** What the workers run: nothing, so the figures are Baton's own. */
    public static final Flow0<Void> noop = Flow.named("bench-noop").procedure(() -> {});

    private DeploymentBenchmark() {}

    public static void main(String[] args) throws Exception {
        String benchCase = "start", mode = "in-process", database = null;
        int runs = 1000, over = 60, workers = 2, deployments = 10_000, minutes = 5;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--case" -> benchCase = Args.value(args, ++i, "--case");
                case "--mode" -> mode = Args.value(args, ++i, "--mode");
                case "--runs" -> runs = Args.positive(Args.value(args, ++i, "--runs"), "--runs");
                case "--over" -> over = Args.positive(Args.value(args, ++i, "--over"), "--over");
                case "--workers" -> workers = Args.positive(Args.value(args, ++i, "--workers"), "--workers");
                case "--deployments" -> deployments = Args.positive(Args.value(args, ++i, "--deployments"), "--deployments");
                case "--minutes" -> minutes = Args.positive(Args.value(args, ++i, "--minutes"), "--minutes");
                case "--database" -> database = Args.value(args, ++i, "--database");
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
            }
        }
        if (!mode.equals("in-process") && !mode.equals("jvm")) {
            throw new IllegalArgumentException("--mode is in-process or jvm, not '" + mode + "'");
        }
        Path home = Files.createTempDirectory("baton-deploy-bench-");
        String schema = null;
        String url;
        if (database == null) {
            url = JdbcRunStore.embeddedUrl(home);
        } else {
            schema = "baton_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            try (Connection c = DriverManager.getConnection(database); Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA " + schema);
            }
            url = database + (database.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        }
        try {
            if (benchCase.equals("start")) start(url, home, mode, runs, over, workers, database == null ? "sqlite" : "postgresql");
            else if (benchCase.equals("scheduler")) scheduler(url, home, deployments, minutes, database == null ? "sqlite" : "postgresql");
            else throw new IllegalArgumentException("--case is start or scheduler, not '" + benchCase + "'");
        } finally {
            if (schema != null) {
                try (Connection c = DriverManager.getConnection(database); Statement s = c.createStatement()) {
                    s.execute("DROP SCHEMA " + schema + " CASCADE");
                }
            }
        }
    }

    // ----- start latency -----

    private static void start(String url, Path home, String mode, int runs, int overSeconds, int workers, String db)
            throws Exception {
        try (JdbcRunHistory history = JdbcRunHistory.open(url, null)) {
            Deployments store = history.deployments();
            Instant now = Instant.now();
            DeploymentRecord d = store.put(new DeploymentRecord(Ids.next(), "bench", noop.name(),
                    DeploymentBenchmark.class.getName() + "#noop", null, "{}", null, List.of(), Set.of(), "bench", null, false,
                    now, now));
            List<Process> processes = new ArrayList<>();
            List<Path> outputs = new ArrayList<>();
            try {
                for (int w = 0; w < workers; w++) {
                    Path out = home.resolve("worker-" + w + ".out");
                    outputs.add(out);
                    processes.add(worker(url, home, mode, out));
                }
                for (int w = 0; w < workers; w++) await(outputs.get(w), "started", processes.get(w));
                Thread.sleep(2_000); // their first passes are done
                Instant t0 = Instant.now().plusSeconds(2);
                long stepNanos = TimeUnit.SECONDS.toNanos(overSeconds) / runs;
                List<ScheduledRun> due = new ArrayList<>(runs);
                for (int i = 0; i < runs; i++) {
                    due.add(Scheduling.adHoc(d, "{}", t0.plusNanos(i * stepNanos), Instant.now()));
                }
                store.addScheduledRuns(due);
                System.err.printf("deployment-start: %d runs due from %s over %d s, %d %s workers%n", runs, t0,
                        overSeconds, workers, mode);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(overSeconds + 120L);
                long done;
                int lastPrinted = -1;
                while ((done = count(history, StateType.COMPLETED)) < runs) {
                    for (int w = 0; w < workers; w++) {
                        if (!processes.get(w).isAlive()) {
                            throw new IllegalStateException("worker " + w + " exited:\n" + Files.readString(outputs.get(w)));
                        }
                    }
                    if (System.nanoTime() > deadline) throw new IllegalStateException("only " + done + " of " + runs
                            + " runs completed in time");
                    int tenth = (int) (done * 10 / runs);
                    if (tenth != lastPrinted) {
                        System.err.printf("deployment-start: %d of %d runs completed%n", done, runs);
                        lastPrinted = tenth;
                    }
                    Thread.sleep(500);
                }
            } finally {
                for (Process p : processes) p.destroy();
                for (Process p : processes) p.waitFor(30, TimeUnit.SECONDS);
                for (Process p : processes) p.destroyForcibly();
            }
            List<Long> latencies = new ArrayList<>(runs);
            for (int offset = 0; offset < runs; offset += FlowRunFilter.MAX_LIMIT) {
                for (FlowRunSummary r : history.flowRuns(new FlowRunFilter(Set.of(), null, null, null, null, offset,
                        FlowRunFilter.MAX_LIMIT)).items()) {
                    FlowRunDetail detail = history.flowRun(r.id()).orElseThrow();
                    Instant dueAt = null, running = null;
                    for (StateRecord s : detail.history()) {
                        if (s.type() == StateType.SCHEDULED && dueAt == null) dueAt = s.scheduledTime();
                        if (s.type() == StateType.RUNNING && running == null) running = s.timestamp();
                    }
                    if (dueAt == null || running == null) {
                        throw new IllegalStateException("flow run " + r.name() + " has no due time or no Running state: "
                                + detail.history());
                    }
                    latencies.add(Duration.between(dueAt, running).toNanos());
                }
            }
            Collections.sort(latencies);
            System.out.printf("bench case=deployment-start mode=%s database=%s workers=%d runs=%d per_minute=%d"
                            + " p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f max_ms=%.1f%n", mode, db, workers, runs,
                    runs * 60L / overSeconds, ms(latencies, 0.50), ms(latencies, 0.90), ms(latencies, 0.99),
                    latencies.get(latencies.size() - 1) / 1e6);
        }
    }

    private static double ms(List<Long> sorted, double q) {
        int i = (int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1);
        return sorted.get(Math.max(0, i)) / 1e6;
    }

    private static long count(JdbcRunHistory history, StateType type) {
        return history.flowRuns(new FlowRunFilter(Set.of(type), null, null, null, null, 0, 1)).total();
    }

    /** A worker process, as {@code ./baton worker start} runs it, on this benchmark's class path. */
    private static Process worker(String url, Path home, String mode, Path out) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), "dev.baton.cli.BatonCli", "worker", "start",
                "--pool", "bench", "--poll-interval", "1s"));
        if (mode.equals("in-process")) command.add("--in-process");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().remove("BATON_API_URL");
        pb.environment().put("BATON_DATABASE_URL", url);
        pb.environment().put("BATON_HOME", home.toString());
        pb.environment().put("BATON_LOG_LEVEL", "WARN");
        return pb.start();
    }

    private static void await(Path out, String text, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(out) || !Files.readString(out).contains(text)) {
            if (!p.isAlive()) throw new IllegalStateException("a worker exited:\n" + Files.readString(out));
            if (System.nanoTime() > deadline) throw new IllegalStateException("a worker did not start:\n"
                    + Files.readString(out));
            Thread.sleep(50);
        }
    }

    // ----- the scheduler's cost -----

    private static void scheduler(String url, Path home, int deployments, int minutes, String db) throws Exception {
        try (JdbcRunHistory history = JdbcRunHistory.open(url, null)) {
            Deployments store = history.deployments();
            Instant t0 = Instant.parse("2026-01-01T00:00:30Z");
            List<DeploymentRecord> all = new ArrayList<>(deployments);
            long start = System.nanoTime();
            for (int i = 0; i < deployments; i++) {
                all.add(store.put(new DeploymentRecord(Ids.next(), "minutely-" + i, "bench-noop",
                        DeploymentBenchmark.class.getName() + "#noop", null, "{}", null,
                        List.of(Schedule.cron("* * * * *")), Set.of(), "bench", null, false, t0, t0)));
            }
            double putS = (System.nanoTime() - start) / 1e9;
            // the first pass: each deployment's next 100 runs; then what one pass a minute adds
            Instant[] through = new Instant[deployments];
            java.util.Arrays.fill(through, Instant.MIN);
            start = System.nanoTime();
            long created = pass(store, all, through, t0);
            double firstS = (System.nanoTime() - start) / 1e9;
            List<Double> minuteMs = new ArrayList<>();
            long perMinute = 0;
            for (int m = 1; m <= minutes; m++) {
                start = System.nanoTime();
                perMinute = pass(store, all, through, t0.plus(Duration.ofMinutes(m)));
                minuteMs.add((System.nanoTime() - start) / 1e6);
            }
            Collections.sort(minuteMs);
            System.out.printf("bench case=scheduler database=%s deployments=%d put_s=%.1f first_pass_s=%.1f"
                            + " first_pass_runs=%d minute_pass_ms=%.0f minute_pass_runs=%d db_mb=%.0f%n", db, deployments,
                    putS, firstS, created, minuteMs.get(minuteMs.size() / 2), perMinute, sizeMb(url, home));
        }
    }

    /** One scheduling pass at {@code now}, as a worker's or server's loop makes it; the runs it created. */
    private static long pass(Deployments store, List<DeploymentRecord> all, Instant[] through, Instant now) {
        long created = 0;
        List<ScheduledRun> batch = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            for (ScheduledRun r : Scheduling.upcoming(all.get(i), all.get(i).schedules().get(0), now, through[i])) {
                batch.add(r);
                through[i] = r.due();
            }
            if (batch.size() >= 5_000 || i == all.size() - 1) {
                created += store.addScheduledRuns(batch);
                batch.clear();
            }
        }
        return created;
    }

    private static double sizeMb(String url, Path home) throws Exception {
        if (url.startsWith("jdbc:sqlite")) {
            long bytes = 0;
            try (var files = Files.list(home)) {
                for (Path p : files.toList()) if (p.getFileName().toString().startsWith("baton.db")) bytes += Files.size(p);
            }
            return bytes / 1e6;
        }
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT SUM(pg_total_relation_size(quote_ident(schemaname) || '.'"
                     + " || quote_ident(tablename))) FROM pg_tables WHERE schemaname = current_schema()")) {
            r.next();
            return r.getLong(1) / 1e6;
        }
    }
}
