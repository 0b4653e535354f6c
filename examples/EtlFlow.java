import dev.baton.Baton;
import dev.baton.ConcurrentExecutor;
import dev.baton.Flow;
import dev.baton.Flow1;
import dev.baton.FlowRun;
import dev.baton.Task;
import dev.baton.Task1;
import dev.baton.TaskFuture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A realistic flow: an ETL over a directory of CSV sales files. Every file is extracted and
 * transformed in parallel (fan-out with map); a file that cannot be parsed fails its own task
 * run, its transform ends NotReady, and the report covers the files that made it, listing
 * the ones that did not. The result is drawn as a bar chart.
 *
 * <pre>
 * ./baton run examples/EtlFlow.java              # on generated sample data (one bad file)
 * ./baton run examples/EtlFlow.java DIRECTORY    # on your own *.csv files: region,product,amount
 * </pre>
 */
public class EtlFlow {
    record Sale(String region, String product, double amount) {}

    record Report(Map<String, Double> revenueByRegion, int files, List<String> failedFiles) {}

    static final Task1<Path, List<Path>> listFiles = Task.named("list_files")
            .description("Lists the CSV files of a directory")
            .of(dir -> {
                try (Stream<Path> files = Files.list(dir)) {
                    return files.filter(p -> p.toString().endsWith(".csv")).sorted().toList();
                }
            });

    static final Task1<Path, List<Sale>> extract = Task.named("extract")
            .description("Parses one CSV file")
            .tags("io")
            .of(file -> {
                List<Sale> sales = new ArrayList<>();
                List<String> lines = Files.readAllLines(file);
                for (int i = 1; i < lines.size(); i++) {          // line 0 is the header
                    String[] f = lines.get(i).split(",");
                    if (f.length != 3) {
                        throw new IllegalArgumentException(file.getFileName() + " line " + (i + 1)
                                + ": expected region,product,amount but got '" + lines.get(i) + "'");
                    }
                    sales.add(new Sale(f[0].trim(), f[1].trim(), Double.parseDouble(f[2].trim())));
                }
                Thread.sleep(200);                                  // stands for a slow disk or network
                Baton.logger().info("Read {} sales from {}", sales.size(), file.getFileName());
                return sales;
            });

    static final Task1<List<Sale>, Map<String, Double>> transform = Task.named("transform")
            .description("Totals one file's revenue per region")
            .of(sales -> {
                Map<String, Double> totals = new TreeMap<>();
                for (Sale s : sales) totals.merge(s.region(), s.amount(), Double::sum);
                return totals;
            });

    static final Task1<List<Map<String, Double>>, Map<String, Double>> load = Task.named("load")
            .description("Merges per-file totals into the report's figures")
            .of(perFile -> {
                Map<String, Double> all = new TreeMap<>();
                for (Map<String, Double> totals : perFile) totals.forEach((k, v) -> all.merge(k, v, Double::sum));
                return all;
            });

    static final Flow1<Path, Report> etl = Flow.named("etl")
            .description("Revenue per region from a directory of CSV files")
            .executor(new ConcurrentExecutor(8))
            .of(dir -> {
                List<Path> files = listFiles.call(dir);
                List<TaskFuture<List<Sale>>> extracted = extract.map(files);          // fan-out
                List<TaskFuture<Map<String, Double>>> totals = transform.map(extracted);

                List<Map<String, Double>> good = new ArrayList<>();
                List<String> failed = new ArrayList<>();
                for (int i = 0; i < files.size(); i++) {
                    if (totals.get(i).await().isCompleted()) good.add(totals.get(i).result());
                    else failed.add(files.get(i).getFileName() + ": " + extracted.get(i).state().message().orElse("?"));
                }
                return new Report(load.call(good), good.size(), failed);
            });

    public static void main(String[] args) throws IOException {
        Path dir = args.length > 0 ? Path.of(args[0]) : sampleData();
        FlowRun<Report> run = etl.run(dir);
        System.out.println();
        if (!run.state().isCompleted()) {
            System.out.println("Flow run " + run.name() + " ended " + run.state());
            System.exit(1);
        }
        Report report = run.result();
        System.out.println("Revenue by region, from " + report.files() + " files (" + run.name() + "):");
        System.out.print(barChart(report.revenueByRegion()));
        report.failedFiles().forEach(f -> System.out.println("skipped " + f));
    }

    static String barChart(Map<String, Double> values) {
        double max = values.values().stream().mapToDouble(Double::doubleValue).max().orElse(1);
        int width = values.keySet().stream().mapToInt(String::length).max().orElse(0);
        StringBuilder out = new StringBuilder();
        values.forEach((k, v) -> out.append(String.format("  %-" + width + "s %s %,.2f%n", k,
                "#".repeat((int) Math.round(40 * v / max)), v)));
        return out.toString();
    }

    /** Writes six days of sales for four regions, and one file with a broken line. */
    static Path sampleData() throws IOException {
        Path dir = Files.createTempDirectory("baton-etl-");
        String[] regions = {"north", "south", "east", "west"};
        String[] products = {"tea", "coffee", "cocoa"};
        for (int day = 1; day <= 6; day++) {
            StringBuilder csv = new StringBuilder("region,product,amount\n");
            for (int i = 0; i < 40; i++) {
                csv.append(regions[(i * day) % 4]).append(',').append(products[i % 3]).append(',')
                        .append(String.format("%.2f", 5 + ((i * 37 + day * 11) % 90) / 3.0)).append('\n');
            }
            Files.writeString(dir.resolve("sales-day" + day + ".csv"), csv);
        }
        Files.writeString(dir.resolve("sales-day7.csv"), "region,product,amount\nnorth,tea,12.50\nsouth;coffee;3.10\n");
        return dir;
    }
}
