package dev.baton.cli;

import dev.baton.spi.FlowRunDetail;
import dev.baton.spi.Page;
import dev.baton.spi.RunHistory;
import dev.baton.spi.StateRecord;
import dev.baton.spi.TaskRunDetail;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A flow run's task runs drawn as a tree: each task run under the last-created task run it
 * waited for (so everything it waited for is printed above it), the others it waited for named
 * on its line; a subflow's stand-in task run holds the subflow run with its own task runs.
 * Dependencies form a graph, not a tree, hence the names. Deep chains stop indenting after
 * {@value #MAX_INDENT} levels, and at most {@code maxTaskRuns} task runs are drawn: only that
 * many are read, a page at a time (a flow run's detail holds only its first task runs), and the
 * flow runs' task run counts say how many more there are.
 */
final class TaskRunTree {
    static final int MAX_INDENT = 16;
    /** How deep subflows are followed (a subflow of a subflow ...). */
    static final int MAX_SUBFLOW_DEPTH = 8;
    private static final int LABEL_CAP = 60;

    private final RunHistory history;
    private final Output out;
    private final int maxTaskRuns;
    private final Set<UUID> flowRunsSeen = new HashSet<>();
    private long taskRunsKnown;
    private long shown;

    TaskRunTree(RunHistory history, Output out, int maxTaskRuns) {
        this.history = history;
        this.out = out;
        this.maxTaskRuns = maxTaskRuns;
    }

    /** One drawn line: glyphs, what it is, its state, how long it took, a note. */
    private record Line(String prefix, String label, StateRecord state, String duration, String note) {}

    /** What the tree holds: task runs, and subflow runs under their stand-ins. */
    private interface Node {
        List<Node> children();
    }

    private final class TaskNode implements Node {
        final TaskRunDetail run;
        final List<Node> dependents = new ArrayList<>();
        final int depth; // of subflows

        TaskNode(TaskRunDetail run, int depth) {
            this.run = run;
            this.depth = depth;
        }

        @Override
        public List<Node> children() {
            if (run.subflowRunId() == null || depth >= MAX_SUBFLOW_DEPTH || !flowRunsSeen.add(run.subflowRunId())) {
                return dependents;
            }
            List<Node> all = new ArrayList<>();
            history.flowRun(run.subflowRunId()).ifPresent(sub -> all.add(new SubflowNode(sub, depth + 1)));
            all.addAll(dependents);
            return all;
        }
    }

    private final class SubflowNode implements Node {
        final FlowRunDetail run;
        final int depth;

        SubflowNode(FlowRunDetail run, int depth) {
            this.run = run;
            this.depth = depth;
        }

        @Override
        public List<Node> children() {
            return roots(run, depth);
        }
    }

    void print(FlowRunDetail detail) {
        flowRunsSeen.add(detail.run().id());
        List<Line> lines = new ArrayList<>();
        shown = 0;
        Deque<Frame> stack = new ArrayDeque<>();
        stack.push(new Frame(roots(detail, 0), "", 0));
        while (!stack.isEmpty() && shown < maxTaskRuns) {
            Frame f = stack.peek();
            if (f.next == f.nodes.size()) {
                stack.pop();
                continue;
            }
            Node node = f.nodes.get(f.next++);
            boolean last = f.next == f.nodes.size();
            String prefix = f.prefix + (out.unicode ? (last ? "└── " : "├── ") : (last ? "`-- " : "|-- "));
            lines.add(line(prefix, node));
            if (node instanceof TaskNode) shown++;
            List<Node> children = node.children();
            if (!children.isEmpty()) {
                String inner = f.depth >= MAX_INDENT ? f.prefix
                        : f.prefix + (last ? "    " : out.unicode ? "│   " : "|   ");
                stack.push(new Frame(children, inner, f.depth + 1));
            }
        }

        int width = 0, stateWidth = 0, durationWidth = 0;
        for (Line l : lines) {
            width = Math.max(width, l.prefix.length() + l.label.length());
            stateWidth = Math.max(stateWidth, stateName(l).length());
            durationWidth = Math.max(durationWidth, l.duration.length());
        }
        Style s = out.style;
        for (Line l : lines) {
            String state = stateName(l);
            StringBuilder b = new StringBuilder("  ").append(s.dim(l.prefix)).append(l.label)
                    .append(" ".repeat(width - l.prefix.length() - l.label.length() + 2))
                    .append(s.state(l.state == null ? null : l.state.type(), state))
                    .append(" ".repeat(stateWidth - state.length() + 2))
                    .append(l.duration).append(" ".repeat(durationWidth - l.duration.length()));
            if (!l.note.isEmpty()) b.append("  ").append(s.dim(l.note));
            out.println(b.toString().stripTrailing());
        }
        if (taskRunsKnown > shown) {
            out.println(s.dim("  ... " + (taskRunsKnown - shown) + " more task runs not shown (--max-task-runs to show"
                    + " more)"));
        }
    }

    private static String stateName(Line l) {
        return l.state == null ? "-" : l.state.name();
    }

    /** A level being drawn: its nodes, the glyphs before them, and which node comes next. */
    private static final class Frame {
        final List<Node> nodes;
        final String prefix;
        final int depth;
        int next;

        Frame(List<Node> nodes, String prefix, int depth) {
            this.nodes = nodes;
            this.prefix = prefix;
            this.depth = depth;
        }
    }

    private Line line(String prefix, Node node) {
        if (node instanceof SubflowNode sub) {
            var r = sub.run.run();
            return new Line(prefix, cap("subflow run " + r.name()), r.state(), Formats.duration(r.start(), r.end()),
                    "flow " + r.flowName() + ", " + r.id());
        }
        TaskNode t = (TaskNode) node;
        TaskRunDetail r = t.run;
        List<String> notes = new ArrayList<>();
        if (!r.upstream().isEmpty()) notes.add("after " + String.join(", ", upstreamNames(t)));
        long retries = r.history().stream().filter(s -> s.name().equals("Retrying")).count();
        if (retries > 0) notes.add("retried " + retries + (retries == 1 ? " time" : " times"));
        StateRecord state = r.state();
        if (state != null && state.message() != null && (state.type() == dev.baton.StateType.FAILED
                || state.type() == dev.baton.StateType.CRASHED)) {
            notes.add(cap(Failures.oneLine(state.message()), 100));
        }
        return new Line(prefix, cap(r.name()), state, Formats.duration(r.start(), r.end()), String.join("; ", notes));
    }

    private final Map<UUID, String> names = new HashMap<>();

    private List<String> upstreamNames(TaskNode t) {
        List<String> result = new ArrayList<>();
        for (UUID id : t.run.upstream()) result.add(names.getOrDefault(id, id.toString()));
        return result;
    }

    /** The task runs of {@code run} without an upstream in it, each holding its dependents. */
    private List<Node> roots(FlowRunDetail run, int depth) {
        taskRunsKnown += Math.max(run.run().taskRuns(), run.taskRuns().size());
        List<TaskRunDetail> taskRuns = firstTaskRuns(run);
        Map<UUID, Integer> position = new HashMap<>();
        List<TaskNode> nodes = new ArrayList<>(taskRuns.size());
        List<Node> roots = new ArrayList<>();
        for (TaskRunDetail t : taskRuns) {
            names.put(t.id(), t.name());
            TaskNode node = new TaskNode(t, depth);
            int parent = -1;
            for (UUID up : t.upstream()) {
                Integer p = position.get(up);
                if (p != null) parent = Math.max(parent, p);
            }
            if (parent < 0) roots.add(node);
            else nodes.get(parent).dependents.add(node);
            position.put(t.id(), nodes.size());
            nodes.add(node);
        }
        return roots;
    }

    /**
     * The first task runs of {@code run} in creation order, as many as may still be drawn: those
     * its detail holds, then pages of the rest.
     */
    private List<TaskRunDetail> firstTaskRuns(FlowRunDetail run) {
        long wanted = Math.min(maxTaskRuns - shown, run.run().taskRuns());
        List<TaskRunDetail> held = run.taskRuns();
        int fromDetail = (int) Math.max(0, Math.min(wanted, held.size()));
        List<TaskRunDetail> taskRuns = new ArrayList<>(held.subList(0, fromDetail));
        while (taskRuns.size() < wanted) {
            int limit = (int) Math.min(wanted - taskRuns.size(), RunHistory.MAX_TASK_RUN_PAGE);
            Optional<Page<TaskRunDetail>> page = history.taskRuns(run.run().id(), taskRuns.size(), limit);
            if (page.isEmpty() || page.get().items().isEmpty()) break;
            taskRuns.addAll(page.get().items());
        }
        return taskRuns;
    }

    private static String cap(String label) {
        return cap(label, LABEL_CAP);
    }

    private static String cap(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }
}
