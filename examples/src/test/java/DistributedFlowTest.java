import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed's parallel example on a local Hazelcast cluster (two worker JVMs): the two task runs
 * run at once on different workers, so their output interleaves and both are done in about the
 * longer one's 7.5 s.
 */
class DistributedFlowTest {

    @Test
    void distributedFlowInterleavesTheTwoTaskRunsOnTwoWorkers() throws Exception {
        ExampleScript run = ExampleScript.runCompiled("DistributedFlow");

        assertThat(run.exitCode()).as(run.stdout() + run.stderr()).isZero();
        List<String> printed = run.printed("AAAA|BBBB");
        assertThat(Collections.frequency(printed, "AAAA")).isEqualTo(15);
        assertThat(Collections.frequency(printed, "BBBB")).isEqualTo(10);
        assertThat(switches(printed)).as("switches between AAAA and BBBB in %s", printed).isGreaterThanOrEqualTo(10);
        assertThat(run.stderr()).contains("Task run 'print_values-0' - Finished in state Completed()")
                .contains("Task run 'print_values-1' - Finished in state Completed()")
                .contains("Finished in state Completed('All states completed.')");
        Matcher done = Pattern.compile("task runs done in ([0-9.]+) s").matcher(run.stdout());
        assertThat(done.find()).as(run.stdout()).isTrue();
        // 7.5 s of sleeping in the longer task run; one after the other would take 12.5 s
        assertThat(Double.parseDouble(done.group(1))).isBetween(7.4, 10.0);
    }

    private static int switches(List<String> printed) {
        int n = 0;
        for (int i = 1; i < printed.size(); i++) if (!printed.get(i).equals(printed.get(i - 1))) n++;
        return n;
    }
}
