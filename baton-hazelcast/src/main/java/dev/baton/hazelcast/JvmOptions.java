package dev.baton.hazelcast;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The JVM options of the JVMs that run Hazelcast, read from the resource {@code jvm-options}
 * beside this class: the one list that local clusters, {@code ./baton} and the benchmarks use
 * (the scripts read the same file, with {@code scripts/jvm-options.sh}).
 */
final class JvmOptions {
    private static final String RESOURCE = "jvm-options";

    private JvmOptions() {}

    /** The options of a worker JVM (a member) on Java {@code feature}. */
    static List<String> forWorker(int feature) {
        return read(true, feature);
    }

    /** The options of a worker JVM on the Java this JVM runs. */
    static List<String> forWorker() {
        return forWorker(Runtime.version().feature());
    }

    /** The options of a flow run's JVM (a client) on Java {@code feature}. */
    static List<String> forClient(int feature) {
        return read(false, feature);
    }

    private static List<String> read(boolean worker, int feature) {
        List<String> options = new ArrayList<>();
        try (InputStream in = JvmOptions.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException(RESOURCE + " is missing beside " + JvmOptions.class.getName());
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = lines.readLine()) != null; ) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) continue;
                String[] words = line.split("\\s+");
                boolean applies = true;
                for (int i = 0; i < words.length - 1; i++) {
                    String condition = words[i];
                    if (condition.equals("worker")) applies &= worker;
                    else if (condition.matches("java\\d+\\+")) applies &= feature >= Integer.parseInt(condition.substring(4, condition.length() - 1));
                    else throw new IllegalStateException(RESOURCE + ": unknown condition '" + condition + "' in '" + line + "'");
                }
                if (applies) options.add(words[words.length - 1]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + RESOURCE, e);
        }
        return List.copyOf(options);
    }
}
