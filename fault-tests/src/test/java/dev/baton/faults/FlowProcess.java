package dev.baton.faults;

import dev.baton.Flow;
import dev.baton.FlowRun;
import dev.baton.FlowRunHandle;
import dev.baton.Task;
import dev.baton.Task1;


/**
 * A flow process the fault tests start (and kill): runs {@code RUNS} flow runs one after the
 * other, each of {@code TASKS} task runs called one after the other; every task run whose
 * index is a multiple of {@code LOG_EVERY} logs one line. Where its runs are recorded comes from
 * its environment, as for any flow process ({@code BATON_API_URL}: client mode; else the embedded
 * store under {@code BATON_HOME}).
 *
 * <p>Prints {@code flow_run=<id>} when each run starts, {@code done=<n>} after every
 * {@value #REPORT_EVERY}th task run whose future resolved (so a test knows what the process was
 * told was finished when it killed it), and {@code state=<id> <type>} when each run ends.
 *
 * <pre>FlowProcess RUNS TASKS LOG_EVERY</pre>
 */
public final class FlowProcess {
    static final int REPORT_EVERY = 500;

    private FlowProcess() {}

    public static void main(String[] args) {
        int runs = Integer.parseInt(args[0]);
        int tasks = Integer.parseInt(args[1]);
        int logEvery = Integer.parseInt(args[2]);
        Task1<Integer, Integer> work = Task.named("work").of(i -> {
            if (i % logEvery == 0) dev.baton.Baton.logger().info("task {} of {} logs this line", i, tasks);
            return i;
        });
        var flow = Flow.named("fault_fanout").of(() -> {
            long sum = 0;
            for (int i = 0; i < tasks; i++) {
                sum += work.call(i); // returns once the task run is Completed, as result() would
                if ((i + 1) % REPORT_EVERY == 0) {
                    System.out.println("done=" + (i + 1));
                    System.out.flush();
                }
            }
            return sum;
        });
        for (int r = 0; r < runs; r++) {
            FlowRunHandle<Long> started = flow.start();
            System.out.println("flow_run=" + started.id());
            System.out.flush();
            FlowRun<Long> run = started.await();
            System.out.println("state=" + run.id() + " " + run.state().type());
            System.out.flush();
        }
    }
}
