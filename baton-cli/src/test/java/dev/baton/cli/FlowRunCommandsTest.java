package dev.baton.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.baton.FlowRun;
import dev.baton.StateType;
import dev.baton.internal.history.FlowRunDetail;
import dev.baton.internal.history.FlowRunSummary;
import dev.baton.internal.history.LogLine;
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
                new String[] {"flow-run", "inspect", "not-an-id"},
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
        assertThat(cli.run("flow-run", "inspect", "not-an-id").err()).contains("'not-an-id' is not a flow run id");
    }

    @Test
    void lsShowsAFlowRunWhoseProcessWasKilledAsCrashedOnceItsHeartbeatIsStale(@TempDir Path own) throws Exception {
        Path home = own.resolve("home");
        Cli cli = Cli.embedded(home).with("BATON_CRASH_TIMEOUT", "3s");
        try (RunningFlow flow = RunningFlow.start(home, Duration.ofMillis(200), Map.of())) {
            // alive: its heartbeats keep it Running, whoever reads
            assertThat(lsRow(cli, "long_running")).contains("Running");

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
