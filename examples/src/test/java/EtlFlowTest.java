import dev.baton.FlowRun;
import dev.baton.TaskRun;
import dev.baton.testing.BatonTest;
import dev.baton.testing.RecordedRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@BatonTest
class EtlFlowTest {

    @Test
    void reportsTheGoodFilesAndNamesTheBadOne(RecordedRuns runs) throws Exception {
        Path dir = EtlFlow.sampleData();

        FlowRun<EtlFlow.Report> run = EtlFlow.etl.run(dir);

        assertThat(run.state().isCompleted()).isTrue();
        EtlFlow.Report report = run.result();
        assertThat(report.files()).isEqualTo(6);
        assertThat(report.failedFiles()).singleElement().asString()
                .startsWith("sales-day7.csv: Task run encountered an exception: IllegalArgumentException: sales-day7.csv line 3");
        Map<String, Double> expected = expectedTotals(dir);
        assertThat(report.revenueByRegion()).containsOnlyKeys(expected.keySet());
        expected.forEach((region, total) ->
                assertThat(report.revenueByRegion().get(region)).as(region).isCloseTo(total, within(1e-6)));

        assertThat(runs.taskRuns("extract")).hasSize(7);
        TaskRun badTransform = runs.taskRuns("transform").get(6);
        assertThat(badTransform.state().isNotReady()).isTrue();
        assertThat(badTransform.upstream()).extracting(TaskRun::name).containsExactly("extract-6");
        assertThat(runs.taskRuns("load")).singleElement().extracting(t -> t.state().name()).isEqualTo("Completed");
    }

    @Test
    void runsAsAScriptAndDrawsTheTotals(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.csv"), "region,product,amount\nnorth,tea,30\nsouth,tea,10\n");
        Files.writeString(dir.resolve("b.csv"), "region,product,amount\nnorth,cocoa,10\n");

        ExampleScript run = ExampleScript.run("EtlFlow.java", dir.toString());

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).contains("Revenue by region, from 2 files")
                .contains("north " + "#".repeat(40) + " 40.00")
                .contains("south " + "#".repeat(10) + " 10.00");
    }

    private static Map<String, Double> expectedTotals(Path dir) throws Exception {
        Map<String, Double> totals = new TreeMap<>();
        for (int day = 1; day <= 6; day++) {
            for (String line : Files.readAllLines(dir.resolve("sales-day" + day + ".csv")).subList(1, 41)) {
                String[] f = line.split(",");
                totals.merge(f[0], Double.parseDouble(f[2]), Double::sum);
            }
        }
        return totals;
    }

}
