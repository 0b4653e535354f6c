package dev.baton.benchmarks;

import org.junit.jupiter.api.Test;

import java.awt.GraphicsEnvironment;
import java.awt.image.BufferedImage;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The comparison with Dask: which figures it takes from each side's lines, the goals, the chart. */
class VersusDaskTest {
    private static final List<String> BATON = List.of(
            "bench case=fanout executor=sequential tasks=1000000 wall_s=0.6 per_task_us=0.6 peak_heap_mb=500",
            "bench case=fanout executor=hazelcast tasks=10000 wall_s=0.143 per_task_us=14.3 peak_heap_mb=279 rounds=5",
            "bench case=chain executor=hazelcast tasks=2000 wall_s=0.328 per_task_us=163.9 peak_heap_mb=232 rounds=5",
            "bench case=sleep50ms executor=hazelcast tasks=400 wall_s=10.064 per_task_us=25160.4 peak_heap_mb=95 rounds=5",
            "bench case=sleep50ms executor=hazelcast speedup=1.99 min=1.99 max=1.99",
            "HazelcastBenchmark: round 1 took 630 ms",
            "bench case=cpu executor=hazelcast speedup=1.76 min=1.70 max=1.80 one_task_ms=19.9");
    private static final List<String> DASK = List.of(
            "peer system=dask case=fanout-threads tasks=10000 wall_s=0.919 per_task_us=91.9",
            "peer system=dask case=fanout-distributed tasks=10000 wall_s=15.896 per_task_us=1589.6",
            "peer system=dask case=chain-distributed tasks=2000 wall_s=13.278 per_task_us=6639.2",
            "peer system=dask case=sleep50ms-distributed speedup=1.96",
            "peer system=dask case=cpu-distributed tasks=60 wall_s=0.505 per_task_us=8414.3",
            "peer system=dask case=cpu-distributed speedup=2.84");

    @Test
    void comparesTheHazelcastLinesWithDaskDistributedOnTheGoals() {
        List<VersusDask.Row> rows = VersusDask.rows(BATON, DASK);

        assertThat(rows).containsExactly(
                new VersusDask.Row("fanout", "us", 14.3, 1589.6, "<=0.2", true),
                new VersusDask.Row("chain", "us", 163.9, 6639.2, "<=0.2", true),
                new VersusDask.Row("sleep50ms", "x", 1.99, 1.96, null, null),
                new VersusDask.Row("cpu", "x", 1.76, 2.84, ">=1.8", false));
    }

    @Test
    void aMissingFigureIsNamed() {
        assertThatThrownBy(() -> VersusDask.rows(BATON.subList(0, 3), DASK))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("Baton's lines have no sleep50ms speedup figure");
        assertThatThrownBy(() -> VersusDask.rows(BATON, DASK.subList(0, 2)))
                .hasMessage("Dask's lines have no chain per_task_us figure");
    }

    @Test
    void drawsBothPanels() {
        assumeTrue(hasFonts(), "Java finds no font on this machine (the chart's text needs one)");
        BufferedImage chart = VersusDask.chart(VersusDask.rows(BATON, DASK));

        assertThat(chart.getWidth()).isEqualTo(1000);
        // a Baton bar and a Dask bar stand in each panel
        assertThat(countColour(chart, 0, 500, 0x2f6fb0)).isGreaterThan(1000);
        assertThat(countColour(chart, 0, 500, 0xd9822b)).isGreaterThan(1000);
        assertThat(countColour(chart, 500, 1000, 0x2f6fb0)).isGreaterThan(1000);
        assertThat(countColour(chart, 500, 1000, 0xd9822b)).isGreaterThan(1000);
    }

    private static boolean hasFonts() {
        try {
            return GraphicsEnvironment.getLocalGraphicsEnvironment().getAvailableFontFamilyNames().length > 0;
        } catch (Error | RuntimeException e) {
            return false;
        }
    }

    private static int countColour(BufferedImage image, int fromX, int toX, int rgb) {
        int n = 0;
        for (int x = fromX; x < toX; x++) {
            for (int y = 0; y < image.getHeight(); y++) if ((image.getRGB(x, y) & 0xffffff) == rgb) n++;
        }
        return n;
    }
}
