package dev.baton.benchmarks;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The distributed executor against Dask distributed, from the lines {@code benchmarks/run
 * --only-hazelcast} and {@code ../shared/peers/dask-bench} printed in one session: the ratios the
 * Hazelcast issue sets goals for, one line each, and a chart of them.
 *
 * <pre>
 * java -cp ... dev.baton.benchmarks.VersusDask BATON_LINES DASK_LINES CHART.png
 * </pre>
 *
 * <p>Output: {@code versus case=fanout|chain baton_per_task_us=<x> dask_per_task_us=<y> ratio=<x/y> goal=<=0.2 met=yes|no}
 * and {@code versus case=sleep50ms|cpu baton_speedup=<s> dask_speedup=<d> goal=... met=...}. Exits 1 if a
 * figure is missing from either file.
 */
public final class VersusDask {
    private static final Pattern FIELD = Pattern.compile("(\\w+)=(\\S+)");
    private static final double MAX_OVERHEAD_RATIO = 0.2;
    private static final double MIN_CPU_SPEEDUP = 1.8;

    private VersusDask() {}

    /** One compared case: Baton's figure, Dask's, and what the issue asks of their relation (null: nothing). */
    record Row(String caseName, String unit, double baton, double dask, String goal, Boolean met) {}

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: VersusDask BATON_LINES DASK_LINES CHART.png");
            System.exit(2);
        }
        List<Row> rows;
        try {
            rows = rows(Files.readAllLines(Path.of(args[0])), Files.readAllLines(Path.of(args[1])));
        } catch (IllegalArgumentException e) {
            System.err.println("VersusDask: " + e.getMessage());
            System.exit(1);
            return;
        }
        for (Row r : rows) {
            String goal = r.goal() == null ? "" : " goal=" + r.goal() + " met=" + (r.met() ? "yes" : "no");
            if (r.unit().equals("us")) {
                System.out.printf(Locale.ROOT, "versus case=%s baton_per_task_us=%.1f dask_per_task_us=%.1f ratio=%.3f%s%n",
                        r.caseName(), r.baton(), r.dask(), r.baton() / r.dask(), goal);
            } else {
                System.out.printf(Locale.ROOT, "versus case=%s baton_speedup=%.2f dask_speedup=%.2f%s%n",
                        r.caseName(), r.baton(), r.dask(), goal);
            }
        }
        System.out.flush();
        Path chart = Path.of(args[2]);
        try {
            ImageIO.write(chart(rows), "png", chart.toFile());
            System.err.println("VersusDask: chart written to " + chart.toAbsolutePath());
        } catch (Error | RuntimeException e) { // AWT without fonts: a headless machine with none installed
            System.err.println("VersusDask: could not draw the chart (" + e + "); the figures above stand."
                    + " On Debian, 'apt-get install fonts-dejavu-core' gives Java a font.");
        }
    }

    /**
     * The compared cases, from the lines of {@code benchmarks/run} and of dask-bench.
     *
     * @throws IllegalArgumentException if either lacks a figure, naming it
     */
    static List<Row> rows(List<String> batonLines, List<String> daskLines) {
        Map<String, Double> baton = figures(batonLines, "bench ", "executor", "hazelcast");
        Map<String, Double> dask = figures(daskLines, "peer ", "system", "dask");
        return List.of(
                overhead("fanout", baton, dask),
                overhead("chain", baton, dask),
                speedup("sleep50ms", baton, dask, null),
                speedup("cpu", baton, dask, MIN_CPU_SPEEDUP));
    }

    /**
     * The figures of the lines starting with {@code prefix} whose {@code key} is {@code value}, by
     * {@code <case>.per_task_us} and {@code <case>.speedup} (Dask's "-distributed" suffix dropped).
     */
    static Map<String, Double> figures(List<String> lines, String prefix, String key, String value) {
        Map<String, Double> out = new HashMap<>();
        for (String line : lines) {
            if (!line.startsWith(prefix)) continue;
            Map<String, String> fields = new HashMap<>();
            for (Matcher m = FIELD.matcher(line); m.find(); ) fields.put(m.group(1), m.group(2));
            if (!value.equals(fields.get(key)) || fields.get("case") == null) continue;
            String caseName = fields.get("case").replace("-distributed", "");
            for (String figure : List.of("per_task_us", "speedup")) {
                if (fields.containsKey(figure)) out.put(caseName + "." + figure, Double.parseDouble(fields.get(figure)));
            }
        }
        return out;
    }

    private static Row overhead(String caseName, Map<String, Double> baton, Map<String, Double> dask) {
        double b = need(baton, caseName + ".per_task_us", "Baton's"), d = need(dask, caseName + ".per_task_us", "Dask's");
        return new Row(caseName, "us", b, d, "<=" + MAX_OVERHEAD_RATIO, b / d <= MAX_OVERHEAD_RATIO);
    }

    private static Row speedup(String caseName, Map<String, Double> baton, Map<String, Double> dask, Double atLeast) {
        double b = need(baton, caseName + ".speedup", "Baton's"), d = need(dask, caseName + ".speedup", "Dask's");
        return new Row(caseName, "x", b, d, atLeast == null ? null : ">=" + atLeast, atLeast == null ? null : b >= atLeast);
    }

    private static double need(Map<String, Double> figures, String name, String whose) {
        Double v = figures.get(name);
        if (v == null) throw new IllegalArgumentException(whose + " lines have no " + name.replace('.', ' ') + " figure");
        return v;
    }

    // ----- the chart -----

    private static final Color BATON = new Color(0x2f6fb0), DASK = new Color(0xd9822b), INK = new Color(0x222222),
            GRID = new Color(0xdddddd), GOAL = new Color(0x2e9d4a);
    private static final BasicStroke DASHED = new BasicStroke(2, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10,
            new float[]{6, 4}, 0);
    private static final int WIDTH = 1000, HEIGHT = 520, TOP = 80, BOTTOM = 400;

    /** Left: per-task overhead of fanout and chain (log scale); right: the speedups on two workers. */
    static BufferedImage chart(List<Row> rows) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.setColor(INK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        g.drawString("Baton's HazelcastExecutor and Dask distributed, 2 workers of 1 thread each", 20, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.drawString("measured on one machine in one session", 600, 50);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        legend(g, 20, 50, BATON, "Baton (Hazelcast)");
        legend(g, 180, 50, DASK, "Dask distributed");
        g.setColor(GOAL);
        g.setStroke(DASHED);
        g.drawLine(340, 45, 370, 45);
        g.setStroke(new BasicStroke(1));
        g.setColor(INK);
        g.drawString("the cpu case's goal: 1.8", 378, 50);
        overheadPanel(g, rows.stream().filter(r -> r.unit().equals("us")).toList(), 70, 480);
        speedupPanel(g, rows.stream().filter(r -> r.unit().equals("x")).toList(), 580, 980);
        g.setFont(new Font(Font.SANS_SERIF, Font.ITALIC, 12));
        g.setColor(INK);
        g.drawString("cpu: Baton's speedup divides by the median time of its 20 ms task in one process; dask-bench's by one call of its"
                + " (about 8 ms) task,", 20, HEIGHT - 28);
        g.drawString("timed once in the scheduler's process, so Dask's figure swings from run to run (1.57 to 2.84 seen) and can pass 2.",
                20, HEIGHT - 12);
        g.dispose();
        return image;
    }

    private static void legend(Graphics2D g, int x, int y, Color color, String label) {
        g.setColor(color);
        g.fillRect(x, y - 11, 14, 14);
        g.setColor(INK);
        g.drawString(label, x + 20, y);
    }

    private static void overheadPanel(Graphics2D g, List<Row> rows, int left, int right) {
        double lo = 1, hi = 100_000; // µs, log scale
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (double v = lo; v <= hi; v *= 10) {
            int y = logY(v, lo, hi);
            g.setColor(GRID);
            g.drawLine(left, y, right, y);
            g.setColor(INK);
            g.drawString(v >= 1000 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.0f", v), left - 48, y + 4);
        }
        g.drawString("per-task overhead, µs (log scale; lower is better)", left, BOTTOM + 58);
        int slot = (right - left) / rows.size();
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            int x = left + i * slot + slot / 2 - 60;
            bar(g, x, logY(r.baton(), lo, hi), BATON, String.format(Locale.ROOT, "%.1f", r.baton()));
            bar(g, x + 60, logY(r.dask(), lo, hi), DASK, String.format(Locale.ROOT, "%,.0f", r.dask()));
            g.setColor(INK);
            g.drawString(r.caseName() + String.format(Locale.ROOT, ": ratio %.3f", r.baton() / r.dask()), x, BOTTOM + 18);
            g.drawString(String.format(Locale.ROOT, "(goal <= %.1f)", MAX_OVERHEAD_RATIO), x, BOTTOM + 33);
        }
    }

    private static void speedupPanel(Graphics2D g, List<Row> rows, int left, int right) {
        double most = rows.stream().mapToDouble(r -> Math.max(r.baton(), r.dask())).max().orElse(2);
        double hi = Math.max(2.0, Math.ceil(most * 2) / 2); // dask-bench's cpu figure can pass 2 (see below)
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (double v = 0; v <= hi + 1e-9; v += 0.5) {
            int y = linearY(v, hi);
            g.setColor(GRID);
            g.drawLine(left, y, right, y);
            g.setColor(INK);
            g.drawString(String.format(Locale.ROOT, "%.1f", v), left - 30, y + 4);
        }
        g.setColor(INK);
        g.drawString("speedup on two workers (ideal 2; higher is better)", left, BOTTOM + 58);

        int slot = (right - left) / rows.size();
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            int x = left + i * slot + slot / 2 - 60;
            bar(g, x, linearY(r.baton(), hi), BATON, String.format(Locale.ROOT, "%.2f", r.baton()));
            bar(g, x + 60, linearY(r.dask(), hi), DASK, String.format(Locale.ROOT, "%.2f", r.dask()));
            g.setColor(INK);
            g.drawString(r.caseName().equals("cpu") ? "cpu (CPU-bound tasks)" : "sleep50ms (50 ms sleeps)", x, BOTTOM + 18);
        }
        // the goal over the bars (its key is in the legend)
        int goal = linearY(MIN_CPU_SPEEDUP, hi);
        g.setColor(GOAL);
        g.setStroke(DASHED);
        g.drawLine(left, goal, right, goal);
        g.setStroke(new BasicStroke(1));
    }

    private static void bar(Graphics2D g, int x, int top, Color color, String label) {
        g.setColor(color);
        g.fillRect(x, top, 50, BOTTOM - top);
        g.setColor(INK);
        g.drawString(label, x + 2, top - 5);
    }

    private static int logY(double v, double lo, double hi) {
        double f = (Math.log10(Math.max(lo, Math.min(hi, v))) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo));
        return (int) Math.round(BOTTOM - f * (BOTTOM - TOP));
    }

    private static int linearY(double v, double hi) {
        return (int) Math.round(BOTTOM - Math.min(v, hi) / hi * (BOTTOM - TOP));
    }
}
