import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed page's examples, run as users run them, with the behaviour the page describes.
 * They sleep for real (seconds), so they run in parallel processes.
 */
@Execution(ExecutionMode.CONCURRENT)
class SeedExamplesTest {

    @Test
    void parallelFlowInterleavesTheTwoTaskRuns() throws Exception {
        ExampleScript run = ExampleScript.run("ParallelFlow.java");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        List<String> printed = run.printed("AAAA|BBBB");
        assertThat(Collections.frequency(printed, "AAAA")).isEqualTo(15);
        assertThat(Collections.frequency(printed, "BBBB")).isEqualTo(10);
        // both task runs print while the other one is still running: the output switches back and forth
        assertThat(switches(printed)).as("switches between AAAA and BBBB in %s", printed).isGreaterThanOrEqualTo(10);
        assertThat(run.stderr()).contains("Finished in state Completed('All states completed.')");
        System.out.println("ParallelFlow: " + lastLine(run.stdout()));
    }

    @Test
    void sequentialFlowRunsOneTaskRunAfterTheOther() throws Exception {
        ExampleScript run = ExampleScript.run("SequentialFlow.java");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        List<String> printed = run.printed("AAAA|BBBB");
        assertThat(printed).containsExactlyElementsOf(concat(Collections.nCopies(15, "AAAA"), Collections.nCopies(10, "BBBB")));
        // the first task run finished before the second was even created
        assertThat(run.stderr().indexOf("Task run 'print_values-0' - Finished in state Completed()"))
                .isLessThan(run.stderr().indexOf("Created task run 'print_values-1'"));
        System.out.println("SequentialFlow: " + lastLine(run.stdout()));
    }

    @Test
    void asyncFlowPrintsTheSeedsInterleaving() throws Exception {
        ExampleScript run = ExampleScript.run("AsyncFlow.java");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        // the log lines go to standard error: standard output holds what the flow printed, and only that
        assertThat(run.stdout()).isEqualTo("1 2 a 6 b 7 c 8 d 9 " + System.lineSeparator() + "Completed()"
                + System.lineSeparator());
        assertThat(run.stderr()).contains("Finished in state Completed()");
    }

    @Test
    void asyncTaskInSyncFlowFailsWithTheSeedsMessage() throws Exception {
        ExampleScript run = ExampleScript.run("AsyncTaskInSyncFlow.java");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).contains("IllegalStateException: Your task is async, but your flow is synchronous."
                + " Async tasks may only be called from async flows.");
        assertThat(run.stderr()).contains("Finished in state Failed('Flow run encountered an exception:"
                + " IllegalStateException: Your task is async, but your flow is synchronous.");
    }

    private static int switches(List<String> printed) {
        int n = 0;
        for (int i = 1; i < printed.size(); i++) if (!printed.get(i).equals(printed.get(i - 1))) n++;
        return n;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static String lastLine(String out) {
        Matcher m = Pattern.compile("(\\S+\\(.*\\) in [0-9.]+ s)\\s*$").matcher(out);
        return m.find() ? m.group(1) : "?";
    }
}
