package dev.baton.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.baton.FlowRun;
import dev.baton.StateType;
import dev.baton.spi.FlowSummary;
import dev.baton.store.jdbc.JdbcRunStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code baton flow ls|inspect} in-process, against the embedded database of a temp Baton home
 * filled by real flow runs: etl twice (each with a child subflow run), failing once.
 */
class FlowCommandsTest {
    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    @TempDir
    static Path home;
    static Cli cli;
    static FlowRun<Integer> firstEtl, failed, lastEtl;

    @BeforeAll
    static void recordRuns() {
        JdbcRunStore store = JdbcRunStore.builder().embedded(home).build();
        try {
            firstEtl = RecordedRuns.run(store, home, () -> RecordedRuns.etl().run("db", 3));
            failed = RecordedRuns.run(store, home, RecordedRuns.failing::run);
            lastEtl = RecordedRuns.run(store, home, () -> RecordedRuns.etl().run("api", 2));
        } finally {
            store.close();
        }
        cli = Cli.embedded(home);
    }

    @Test
    void lsListsFlowsByNameInAlignedColumns() {
        Cli.Result r = cli.run("flow", "ls");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.err()).isEmpty();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).startsWith("NAME").contains("RUNS", "LAST RUN", "LAST STATE");
        List<String> rows = lines.subList(1, lines.size());
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0)).startsWith("child ").contains(" 2 ", "Completed");
        assertThat(rows.get(1)).startsWith("etl ").contains(" 2 ", "Completed");
        assertThat(rows.get(2)).startsWith("failing ").contains(" 1 ").endsWith("Failed");
        for (String column : List.of("RUNS", "LAST RUN", "LAST STATE")) {
            int at = lines.get(0).indexOf(column);
            for (String row : rows) {
                assertThat(row.charAt(at - 1)).as(column + " in " + row).isEqualTo(' ');
                assertThat(row.charAt(at)).as(column + " in " + row).isNotEqualTo(' ');
            }
        }
        assertThat(r.out()).doesNotContain("\u001b[");

        Cli.Result limited = cli.run("flow", "ls", "--limit", "2");
        assertThat(limited.out().lines().toList()).hasSize(4).last().asString()
                .contains("Showing 2 of 3 flows");
    }

    @Test
    void lsAsJsonGivesTheRecords() throws Exception {
        Cli.Result r = cli.run("flow", "ls", "--json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        FlowSummary[] flows = JSON.readValue(r.out(), FlowSummary[].class);
        assertThat(flows).extracting(FlowSummary::name).containsExactly("child", "etl", "failing");
        FlowSummary etl = flows[1];
        assertThat(etl.flowRuns()).isEqualTo(2);
        assertThat(etl.lastFlowRunId()).isEqualTo(lastEtl.id());
        assertThat(etl.firstRun()).isBefore(etl.lastRun());
        assertThat(flows[2].lastState().type()).isEqualTo(StateType.FAILED);
        assertThat(flows[2].lastState().message()).contains("failing on purpose");
    }

    @Test
    void inspectShowsOneFlow() throws Exception {
        Cli.Result r = cli.run("flow", "inspect", "failing");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("Flow failing\n").contains("Runs        1", "Last state  Failed",
                "failing on purpose", failed.id().toString(), "baton flow-run inspect " + failed.id());

        FlowSummary etl = JSON.readValue(cli.run("flow", "inspect", "--json", "etl").out(), FlowSummary.class);
        assertThat(etl.flowRuns()).isEqualTo(2);
        assertThat(etl.lastFlowRunId()).isEqualTo(lastEtl.id());
    }

    @Test
    void anUnknownFlowIsOneLineAndExitCodeOne() {
        Cli.Result r = cli.run("flow", "inspect", "ETL");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines().toList()).singleElement().asString()
                .isEqualTo("baton: No flow named 'ETL' in jdbc:sqlite:" + home.resolve("baton.db").toAbsolutePath()
                        + " (see baton flow ls)");
    }

    @Test
    void anEmptyHistorySaysSo(@TempDir Path empty) throws Exception {
        Cli.Result r = Cli.embedded(empty).run("flow", "ls");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("No flow runs recorded yet in jdbc:sqlite:");
        String json = Cli.embedded(empty).run("flow", "ls", "--json").out();
        assertThat(JSON.readValue(json, FlowSummary[].class)).isEmpty();
    }

    @Test
    void badArgumentsAreUsageErrorsOnOneLine() {
        for (String[] args : List.of(new String[] {"flow", "ls", "--limit", "0"},
                new String[] {"flow", "ls", "--limit", "many"},
                new String[] {"flow", "inspect"},
                new String[] {"flow", "inspect", " "},
                new String[] {"flow", "lss"})) {
            Cli.Result r = cli.run(args);
            assertThat(r.exitCode()).as(Arrays.toString(args) + "\n" + r).isEqualTo(2);
            assertThat(r.err()).as(Arrays.toString(args)).startsWith("baton: ").doesNotContain("Exception", "\tat ");
        }
    }

    @Test
    void coloursOnlyInATerminalWithoutNoColor() {
        assertThat(cli.inTerminal().run("flow", "ls").out()).contains("\u001b[31mFailed");
        assertThat(cli.inTerminal().run("flow", "inspect", "etl").out()).contains("\u001b[");
        assertThat(cli.inTerminal().run("flow", "ls", "--no-color").out()).doesNotContain("\u001b[");
        assertThat(cli.inTerminal().with("NO_COLOR", "1").run("flow", "ls").out()).doesNotContain("\u001b[");
        assertThat(cli.inTerminal().run("flow", "ls", "--json").out()).doesNotContain("\u001b[");
    }
}
