package dev.baton.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.baton.FlowRun;
import dev.baton.StateType;
import dev.baton.spi.FlowRunDetail;
import dev.baton.spi.FlowRunSummary;
import dev.baton.spi.LogLine;
import dev.baton.store.jdbc.JdbcRunStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code baton flow-run ls|inspect|logs} in-process, against the embedded database of a temp
 * Baton home filled by real flow runs (the engine and the database store).
 */
class FlowRunCommandsTest {
    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    @TempDir
    static Path home;
    static Cli cli;
    static FlowRun<Integer> etl, failed, chatty;
    static final int CHATTY_LINES = 2_345;

    @BeforeAll
    static void recordRuns() {
        JdbcRunStore store = JdbcRunStore.builder().embedded(home).build();
        try {
            etl = RecordedRuns.run(store, home, () -> RecordedRuns.etl().run("db", 3));
            failed = RecordedRuns.run(store, home, RecordedRuns.failing::run);
            chatty = RecordedRuns.run(store, home, () -> RecordedRuns.chatty(CHATTY_LINES).run());
        } finally {
            store.close();
        }
        cli = Cli.embedded(home);
    }

    // ----- ls -----

    @Test
    void lsListsFlowRunsNewestFirstInAlignedColumns() {
        Cli.Result r = cli.run("flow-run", "ls");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.err()).isEmpty();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).startsWith("ID").contains("NAME", "FLOW", "STATE", "START", "DURATION");
        // newest first; the child subflow run is a flow run too
        List<String> rows = lines.subList(1, lines.size());
        assertThat(rows).hasSize(4);
        assertThat(rows.get(0)).startsWith(chatty.id().toString()).contains("chatty", "Completed");
        assertThat(rows.get(1)).startsWith(failed.id().toString()).contains("failing", "Failed");
        assertThat(rows.get(3)).startsWith(etl.id().toString()).contains(etl.name(), "etl", "Completed");
        // every column starts at the same place on every line
        for (String column : List.of("NAME", "FLOW", "STATE", "START", "DURATION")) {
            int at = lines.get(0).indexOf(column);
            for (String row : rows) {
                assertThat(row.charAt(at - 1)).as(column + " in " + row).isEqualTo(' ');
                assertThat(row.charAt(at)).as(column + " in " + row).isNotEqualTo(' ');
            }
        }
        assertThat(r.out()).doesNotContain("\u001b[");
    }

    @Test
    void lsFiltersByStateAndNameAndLimits() {
        Cli.Result failedOnly = cli.run("flow-run", "ls", "--state", "failed");
        assertThat(failedOnly.exitCode()).as(failedOnly.toString()).isZero();
        assertThat(failedOnly.out().lines().skip(1).toList()).singleElement().asString()
                .startsWith(failed.id().toString());

        Cli.Result two = cli.run("flow-run", "ls", "--state", "FAILED", "--state", "Completed", "--name", "HATT");
        assertThat(two.out().lines().skip(1).map(l -> l.substring(0, 36)).toList())
                .containsExactly(chatty.id().toString());

        assertThat(cli.run("flow-run", "ls", "--state", "failed,completed").out().lines().count()).isEqualTo(5);

        Cli.Result limited = cli.run("flow-run", "ls", "--limit", "2");
        List<String> lines = limited.out().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(3)).contains("Showing 2 of 4 flow runs");

        Cli.Result none = cli.run("flow-run", "ls", "--state", "crashed");
        assertThat(none.exitCode()).isZero();
        assertThat(none.out()).startsWith("No flow runs match in jdbc:sqlite:");
    }

    @Test
    void lsAsJsonGivesTheRecords() throws Exception {
        Cli.Result r = cli.run("flow-run", "ls", "--json", "--limit", "3");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        FlowRunSummary[] runs = JSON.readValue(r.out(), FlowRunSummary[].class);
        assertThat(runs).extracting(FlowRunSummary::id).containsExactly(chatty.id(), failed.id(),
                runs[2].id()); // the subflow run, between the others
        assertThat(runs[1].state().type()).isEqualTo(StateType.FAILED);
        assertThat(runs[1].state().message()).contains("failing on purpose");
        assertThat(runs[2].flowName()).isEqualTo("child");
        assertThat(runs[2].parentFlowRunId()).isEqualTo(etl.id());
    }

    @Test
    void badArgumentsAreUsageErrorsOnOneLine() {
        for (String[] args : List.of(new String[] {"flow-run", "ls", "--state", "finished"},
                new String[] {"flow-run", "ls", "--limit", "0"},
                new String[] {"flow-run", "ls", "--limit", "many"},
                new String[] {"flow-run", "inspect"},
                new String[] {"flow-run", "lss"},
                new String[] {"flow-runs"})) {
            Cli.Result r = cli.run(args);
            assertThat(r.exitCode()).as(Arrays.toString(args) + "\n" + r).isEqualTo(2);
            assertThat(r.err()).as(Arrays.toString(args)).startsWith("baton: ").doesNotContain("Exception", "\tat ");
            assertThat(r.err().lines().findFirst().orElseThrow()).isNotBlank();
        }
        assertThat(cli.run("flow-run", "ls", "--state", "finished").err())
                .contains("--state", "COMPLETED", "finished");
    }

    // ----- naming a flow run -----

    @Test
    void aFlowRunIsNamedByItsIdTheStartOfItsIdOrItsName() {
        String id = failed.id().toString();
        for (String reference : List.of(id, id.substring(0, 13), id.substring(0, 13).toUpperCase(),
                id.replace("-", "").substring(0, 20), failed.name())) {
            Cli.Result r = cli.run("flow-run", "inspect", reference);
            assertThat(r.exitCode()).as(reference + "\n" + r).isZero();
            assertThat(r.out()).as(reference).startsWith("Flow run " + failed.name() + " (" + id + ")");
            Cli.Result logs = cli.run("flow-run", "logs", reference);
            assertThat(logs.exitCode()).as(reference + "\n" + logs).isZero();
            assertThat(logs.out()).contains("Flow run '" + failed.name() + "' - Finished in state Failed");
        }
    }

    @Test
    void anAmbiguousIdPrefixFailsListingTheCandidates() {
        // ids are time-ordered: the runs recorded here share their first digits
        String common = commonPrefix(etl.id().toString(), chatty.id().toString());
        assertThat(common).isNotEmpty();
        Cli.Result r = cli.run("flow-run", "inspect", common);
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        List<String> lines = r.err().lines().toList();
        assertThat(lines.get(0)).startsWith("baton: '" + common + "' means ").contains("flow runs; give more of the id");
        assertThat(lines.get(1)).contains("ID", "NAME", "FLOW", "STATE");
        assertThat(r.err()).contains(etl.id().toString(), chatty.id().toString(), failed.id().toString(),
                etl.name(), "chatty");
    }

    @Test
    void anUnknownReferenceSaysWhatWasLookedFor() {
        Cli.Result r = cli.run("flow-run", "inspect", "not-a-run");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.err().lines().toList()).singleElement().asString()
                .isEqualTo("baton: No flow run with id, id prefix or name 'not-a-run' in jdbc:sqlite:"
                        + home.resolve("baton.db").toAbsolutePath() + " (see baton flow-run ls)");
    }

    @Test
    void lsShowsAFlowRunWhoseProcessWasKilledAsCrashedOnceItsHeartbeatIsStale(@TempDir Path own) throws Exception {
        Path home = own.resolve("home");
        Cli cli = Cli.embedded(home).with("BATON_CRASH_TIMEOUT", "3s");
        try (RunningFlow flow = RunningFlow.start(home, Duration.ofMillis(200), Map.of())) {
            // alive: its heartbeats keep it Running, whoever reads
            assertThat(awaitRunning(flow, cli)).contains("Running");

            flow.kill9();
            // no flow process opens the database again: reading the runs finds the crash
            String row = flow.await("the killed flow run listed as Crashed", () -> {
                String r = lsRow(cli, "long_running");
                return r.contains("Crashed") ? Optional.of(r) : Optional.empty();
            });
            assertThat(row).doesNotContain("Running");
            String inspect = cli.run("flow-run", "inspect", row.substring(0, 36)).out();
            assertThat(inspect).contains("crash timeout", "its process (" + flow.pid() + "@");
            assertThat(line(section(inspect, "Task runs").lines().toList(), "block-0")).contains("Crashed");
            assertThat(line(section(inspect, "Task runs").lines().toList(), "quick-0")).contains("Completed");
        }
    }

    // ----- cancel, delete -----

    @Test
    void cancelStopsAFlowRunInItsOwnProcessWhichEndsItCancelled(@TempDir Path own) throws Exception {
        Path home = own.resolve("home");
        Cli cli = Cli.embedded(home);
        try (RunningFlow flow = RunningFlow.start(home, Duration.ofMillis(200), Map.of())) {
            String name = awaitRunning(flow, cli).split("\\s+")[1];

            Cli.Result cancel = cli.run("flow-run", "cancel", name);
            assertThat(cancel.exitCode()).as(cancel.toString()).isZero();
            assertThat(cancel.out()).startsWith("Flow run '" + name + "' (").contains(") is Cancelling");

            // the flow's process learns it with a heartbeat, interrupts the task run and ends the flow run
            assertThat(flow.awaitExit()).as(flow.stderr()).isZero();
            assertThat(flow.stdout()).contains("state=CANCELLED");
            String inspect = cli.run("flow-run", "inspect", name).out();
            assertThat(section(inspect, "State history").lines().skip(2).map(l -> l.trim().split("\\s{2,}")[1])
                    .toList()).containsExactly("Pending", "Running", "Cancelling", "Cancelled");
            assertThat(line(section(inspect, "Task runs").lines().toList(), "block-0")).contains("Cancelled");
            assertThat(line(section(inspect, "Task runs").lines().toList(), "quick-0")).contains("Completed");

            // a run that has finished cannot be cancelled
            Cli.Result again = cli.run("flow-run", "cancel", name);
            assertThat(again.exitCode()).as(again.toString()).isEqualTo(1);
            assertThat(again.err()).startsWith("baton: Flow run '" + name + "' (")
                    .contains("has already finished: it is Cancelled, and only a flow run that has not finished can be"
                            + " cancelled");
        }
    }

    @Test
    void deleteRemovesAFinishedFlowRunWithItsTaskRunsStatesLogsAndSubflowRuns(@TempDir Path own) throws Exception {
        Path home = own.resolve("home");
        JdbcRunStore store = JdbcRunStore.builder().embedded(home).build();
        FlowRun<Integer> doomed, kept;
        try {
            doomed = RecordedRuns.run(store, home, () -> RecordedRuns.etl().run("db", 3));
            kept = RecordedRuns.run(store, home, RecordedRuns.failing::run);
        } finally {
            store.close();
        }
        Cli cli = Cli.embedded(home);
        assertThat(cli.run("flow-run", "ls").out().lines().skip(1).count()).isEqualTo(3); // with the subflow run

        Cli.Result r = cli.run("flow-run", "delete", doomed.id().toString().substring(0, 36));
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("Deleted flow run '" + doomed.name() + "' (" + doomed.id() + ")."
                + System.lineSeparator());
        assertThat(cli.run("flow-run", "ls").out().lines().skip(1).toList()).singleElement().asString()
                .startsWith(kept.id().toString());
        assertThat(cli.run("flow-run", "inspect", doomed.id().toString()).exitCode()).isEqualTo(1);
        try (var history = dev.baton.store.jdbc.JdbcRunHistory.open(JdbcRunStore.embeddedUrl(home), null)) {
            assertThat(history.logs(new dev.baton.spi.LogFilter(doomed.id(), null, 0, 10)).items())
                    .isEmpty();
            for (var t : doomed.taskRuns()) assertThat(history.taskRun(t.id())).as(t.name()).isEmpty();
        }
        // the other run is whole
        assertThat(cli.run("flow-run", "logs", kept.id().toString()).out()).contains("failing on purpose");

        Cli.Result unknown = cli.run("flow-run", "delete", doomed.id().toString());
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).startsWith("baton: No flow run with id " + doomed.id());
    }

    @Test
    void aFlowRunThatHasNotFinishedIsNotDeleted(@TempDir Path own) throws Exception {
        Path home = own.resolve("home");
        Cli cli = Cli.embedded(home);
        try (RunningFlow flow = RunningFlow.start(home, Duration.ofMillis(200), Map.of())) {
            String id = awaitRunning(flow, cli).substring(0, 36);
            Cli.Result r = cli.run("flow-run", "delete", id);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).contains("has not finished: it is Running. Cancel it first (baton flow-run cancel "
                    + id + "), then delete it");
            assertThat(lsRow(cli, "long_running")).contains("Running");
        }
    }

    // ----- inspect -----

    @Test
    void inspectShowsTheStateHistoryAndTheTaskRunsAsATree() {
        Cli.Result r = cli.run("flow-run", "inspect", etl.id().toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        String out = r.out();
        assertThat(out).contains("Flow run " + etl.name(), etl.id().toString(), "etl", "Completed");
        assertThat(out).contains("Parameters  [\"db\",3]").contains("Task runs   5");

        // the state history, in order
        String states = section(out, "State history");
        assertThat(states.lines().skip(2).map(l -> l.trim().split("\\s{2,}")[1]).toList())
                .containsExactly("Pending", "Running", "Completed");

        // transform waited for extract and flaky: drawn under flaky (the later), both named
        String tree = section(out, "Task runs");
        List<String> lines = tree.lines().skip(1).toList();
        String transform = line(lines, "transform-0");
        String flaky = line(lines, "flaky-0");
        assertThat(indentOf(transform)).isGreaterThan(indentOf(flaky));
        assertThat(lines.indexOf(transform)).isGreaterThan(lines.indexOf(flaky));
        assertThat(transform).contains("Completed", "after extract-0, flaky-0");
        assertThat(line(lines, "extract-0")).contains("Completed").doesNotContain("after");
        assertThat(line(lines, "broken-0")).contains("Failed", "broken on purpose");
        assertThat(flaky).contains("Completed", "retried 1 time");
        // the subflow stand-in holds the subflow run and its task run
        String standIn = line(lines, "child-0");
        String subflow = line(lines, "subflow run ");
        String square = line(lines, "square-0");
        assertThat(indentOf(subflow)).isGreaterThan(indentOf(standIn));
        assertThat(indentOf(square)).isGreaterThan(indentOf(subflow));
        assertThat(subflow).contains("flow child", "Completed");
        // durations: a number and a unit
        assertThat(square).containsPattern("Completed\\s+(<1ms|\\d+ms|\\d+\\.\\ds)");
        assertThat(tree).contains("├── ", "└── ");
        assertThat(out).doesNotContain("\u001b[");
    }

    @Test
    void inspectAsJsonGivesTheFlowRunInFull() throws Exception {
        Cli.Result r = cli.run("flow-run", "inspect", "--json", etl.id().toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        FlowRunDetail detail = JSON.readValue(r.out(), FlowRunDetail.class);
        assertThat(detail.run().id()).isEqualTo(etl.id());
        assertThat(detail.taskRuns()).extracting(t -> t.name())
                .containsExactlyInAnyOrder("extract-0", "flaky-0", "transform-0", "broken-0", "child-0");
        assertThat(detail.subflowRuns()).singleElement().satisfies(s -> assertThat(s.flowName()).isEqualTo("child"));
    }

    @Test
    void anUnknownFlowRunIsOneLineAndExitCodeOne() {
        UUID unknown = UUID.randomUUID();
        for (String command : List.of("inspect", "logs")) {
            Cli.Result r = cli.run("flow-run", command, unknown.toString());
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            assertThat(r.out()).isEmpty();
            assertThat(r.err().lines().toList()).singleElement().asString()
                    .isEqualTo("baton: No flow run with id " + unknown + " in jdbc:sqlite:"
                            + home.resolve("baton.db").toAbsolutePath() + " (see baton flow-run ls)");
        }
    }

    @Test
    void aLongChainStopsIndentingAndALargeFlowIsCutWithACount(@TempDir Path own) {
        JdbcRunStore store = JdbcRunStore.builder().embedded(own).build();
        FlowRun<Integer> chain;
        try {
            chain = RecordedRuns.run(store, own, () -> RecordedRuns.chain(60).run());
        } finally {
            store.close();
        }
        Cli.Result r = Cli.embedded(own).run("flow-run", "inspect", "--max-task-runs", "40", chain.id().toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        List<String> lines = section(r.out(), "Task runs").lines().skip(1).toList();
        assertThat(lines).hasSize(41);
        assertThat(lines.get(0)).contains("inc-0").doesNotContain("after");
        assertThat(lines.get(39)).contains("inc-39", "after inc-38");
        assertThat(lines.get(40)).contains("20 more task runs not shown");
        int deepest = lines.stream().limit(40).mapToInt(FlowRunCommandsTest::indentOf).max().orElseThrow();
        assertThat(deepest).isEqualTo(2 + 4 * (TaskRunTree.MAX_INDENT + 1));
    }

    @Test
    void aFlowRunWithMoreTaskRunsThanItsDetailHoldsIsDrawnFromPages(@TempDir Path own) throws Exception {
        int length = FlowRunDetail.MAX_TASK_RUNS + 300;
        JdbcRunStore store = JdbcRunStore.builder().embedded(own).build();
        FlowRun<Integer> chain;
        try {
            chain = RecordedRuns.run(store, own, () -> RecordedRuns.chain(length).run());
        } finally {
            store.close();
        }
        Cli.Result r = Cli.embedded(own).run("flow-run", "inspect", "--max-task-runs", "1200", chain.id().toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("Task runs   " + length);
        List<String> lines = section(r.out(), "Task runs").lines().skip(1).toList();
        assertThat(lines).hasSize(1201);
        assertThat(lines.get(1000)).contains("inc-1000", "after inc-999");
        assertThat(lines.get(1199)).contains("inc-1199", "after inc-1198");
        assertThat(lines.get(1200)).contains("100 more task runs not shown");

        // the default shows 500 of them and counts the rest
        List<String> cut = section(Cli.embedded(own).run("flow-run", "inspect", chain.id().toString()).out(),
                "Task runs").lines().skip(1).toList();
        assertThat(cut).hasSize(501);
        assertThat(cut.get(500)).contains((length - 500) + " more task runs not shown");

        // --json: the flow run with its first task runs, and how many it has in all
        FlowRunDetail detail = JSON.readValue(Cli.embedded(own).run("flow-run", "inspect", "--json",
                chain.id().toString()).out(), FlowRunDetail.class);
        assertThat(detail.taskRuns()).hasSize(FlowRunDetail.MAX_TASK_RUNS);
        assertThat(detail.run().taskRuns()).isEqualTo(length);

        // log lines of task runs past the detail's first ones are named too
        String logs = Cli.embedded(own).run("flow-run", "logs", chain.id().toString()).out();
        assertThat(logs).contains("| Task run 'inc-" + (length - 1) + "' - ");
        assertThat(logs).doesNotContain("| Task run '" + chain.taskRuns().get(length - 1).id() + "'");
    }

    // ----- logs -----

    @Test
    void logsPrintsEveryLineInOrderAcrossPages() {
        Cli.Result r = cli.run("flow-run", "logs", chatty.id().toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        List<String> said = r.out().lines().filter(l -> l.contains("Task run 'say-0' - line ")).toList();
        assertThat(said).hasSize(CHATTY_LINES);
        for (int i = 0; i < CHATTY_LINES; i++) assertThat(said.get(i)).endsWith(" - line " + i).contains("| INFO  |");
    }

    @Test
    void logsOfTheFlowAndItsTaskRunsNameWhereEachLineCameFrom() throws Exception {
        Cli.Result r = cli.run("flow-run", "logs", etl.id().toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("| INFO  | Flow run '" + etl.name() + "' - extracting from db")
                .contains("| WARN  | Flow run '" + etl.name() + "' - total is 6");
        assertThat(r.out().indexOf("extracting from db")).isLessThan(r.out().indexOf("total is 6"));
        // the first line names the run once, as the console shows it
        assertThat(r.out().lines().findFirst().orElseThrow())
                .endsWith("| INFO  | Created flow run '" + etl.name() + "' for flow 'etl'");

        Cli.Result json = cli.run("flow-run", "logs", "--json", chatty.id().toString());
        LogLine[] lines = JSON.readValue(json.out(), LogLine[].class);
        List<String> messages = new ArrayList<>();
        for (LogLine l : lines) if (l.message().startsWith("line ")) messages.add(l.message());
        assertThat(messages).hasSize(CHATTY_LINES).startsWith("line 0", "line 1")
                .endsWith("line " + (CHATTY_LINES - 1));
    }

    // ----- colours -----

    @Test
    void coloursOnlyInATerminalWithoutNoColor() {
        String id = failed.id().toString();
        assertThat(cli.inTerminal().run("flow-run", "ls").out()).contains("\u001b[31mFailed");
        assertThat(cli.inTerminal().run("flow-run", "inspect", id).out()).contains("\u001b[");
        assertThat(cli.inTerminal().run("flow-run", "ls", "--no-color").out()).doesNotContain("\u001b[");
        assertThat(cli.inTerminal().with("NO_COLOR", "1").run("flow-run", "ls").out()).doesNotContain("\u001b[");
        assertThat(cli.inTerminal().run("flow-run", "ls", "--json").out()).doesNotContain("\u001b[");
        assertThat(cli.run("flow-run", "ls").out()).doesNotContain("\u001b[");
    }

    // ----- helpers -----

    private static String commonPrefix(String a, String b) {
        int n = 0;
        while (n < a.length() && n < b.length() && a.charAt(n) == b.charAt(n)) n++;
        return a.substring(0, n);
    }

    /**
     * The {@code flow-run ls} row of {@code flow}'s run once it is recorded Running: its task run
     * already runs when {@link RunningFlow#start} returns, but the store writes in batches, a moment later.
     */
    static String awaitRunning(RunningFlow flow, Cli cli) throws InterruptedException {
        return flow.await("its flow run recorded as Running", () -> {
            Cli.Result r = cli.run("flow-run", "ls", "--name", "long_running");
            return r.out().lines().skip(1).filter(l -> l.contains("Running")).findFirst();
        });
    }

    /** The one row of {@code flow-run ls --name name}. */
    static String lsRow(Cli cli, String name) {
        Cli.Result r = cli.run("flow-run", "ls", "--name", name);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        List<String> rows = r.out().lines().skip(1).toList();
        assertThat(rows).as(r.toString()).hasSize(1);
        return rows.get(0);
    }

    /** The lines of {@code out} from the one starting with {@code heading} to the next blank line. */
    static String section(String out, String heading) {
        int start = out.indexOf("\n" + heading) + 1;
        assertThat(start).as("section " + heading + " in\n" + out).isPositive();
        int end = out.indexOf("\n\n", start);
        return end < 0 ? out.substring(start) : out.substring(start, end + 1);
    }

    static String line(List<String> lines, String containing) {
        return lines.stream().filter(l -> l.contains(containing)).findFirst()
                .orElseThrow(() -> new AssertionError("no line with " + containing + " in\n"
                        + String.join("\n", lines)));
    }

    /** Where the name starts on a tree line: after the glyphs. */
    static int indentOf(String treeLine) {
        int i = 0;
        while (i < treeLine.length() && " │├└─|`-".indexOf(treeLine.charAt(i)) >= 0) i++;
        return i;
    }
}
