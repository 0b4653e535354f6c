package dev.baton.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import dev.baton.BatonRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * An ahead-of-time cache for a local cluster's worker JVMs (Java 25 and later: JEP 483 and 514).
 * A worker that starts from one finds its classes loaded and linked already: two workers starting
 * at once on two cores are ready in about 0.9 s instead of 2.7 s.
 *
 * <p>One cache per JDK, worker JVM options and jars of the class path, in {@code BATON_HOME/aot}
 * (the newest {@value #KEEP} are kept, about 45 MB each). A local cluster that finds none starts,
 * as it closes, a detached JVM that makes it: it runs a worker's start and stop once while the JDK
 * records what is loaded, has the JDK assemble the cache from that, and moves it into place. Until
 * then workers start as before. The JDK caches classes from jars only, so a worker's class path lists
 * the jars first and class directories after them (a class in a directory that shadows one in a jar
 * would lose: turn the cache off with {@code -Dbaton.hazelcast.aotCache=false} in the flow's JVM).
 */
final class WorkerAotCache {
    /** The system property that turns the cache off ({@code false}). */
    static final String PROPERTY = "baton.hazelcast.aotCache";
    private static final Logger LOG = LoggerFactory.getLogger("dev.baton.hazelcast");
    private static final int KEEP = 4;
    /** A making still marked after this long died: another may start. */
    private static final Duration GIVEN_UP = Duration.ofMinutes(10);
    private static final String RECORD = "--record";
    /** The JDK's own notes about a cache (it fell back to a normal start, or made one), kept out of the flow's console. */
    private static final List<String> QUIET = List.of("-Xlog:aot=off", "-Xlog:cds=off");

    private final Path file; // null: no cache for these workers
    private final List<String> jars;
    private final List<String> others;
    private final List<String> workerOptions;

    private WorkerAotCache(Path file, List<String> jars, List<String> others, List<String> workerOptions) {
        this.file = file;
        this.jars = jars;
        this.others = others;
        this.workerOptions = workerOptions;
    }

    /**
     * The cache for workers started with {@code workerOptions} and {@code classPath} (this JVM's),
     * in {@code home}; one that does nothing where the JDK is older than 25, Baton's worker is not in
     * a jar, or {@value #PROPERTY} is {@code false}.
     */
    static WorkerAotCache of(Path home, List<String> workerOptions, String classPath) {
        List<String> jars = new ArrayList<>(), others = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (entry.isBlank()) continue;
            Path p = Path.of(entry).toAbsolutePath().normalize();
            (Files.isRegularFile(p) ? jars : others).add(p.toString());
        }
        boolean usable = Runtime.version().feature() >= 25 && !"false".equals(System.getProperty(PROPERTY))
                && holdsTheWorker(jars);
        String key = usable ? key(workerOptions, jars) : null;
        Path file = key != null ? home.resolve("aot").resolve("worker-" + key + ".aot") : null;
        return new WorkerAotCache(file, List.copyOf(jars), List.copyOf(others), List.copyOf(workerOptions));
    }

    /** The cache for the workers this JVM would start with {@code workerOptions}, in BATON_HOME. */
    static WorkerAotCache forThisJvm(List<String> workerOptions) {
        return of(BatonRuntime.defaultHome(), workerOptions, System.getProperty("java.class.path"));
    }

    /** The workers' class path: the jars, then the rest (class directories), as absolute paths. */
    String classPath() {
        List<String> all = new ArrayList<>(jars);
        all.addAll(others);
        return String.join(File.pathSeparator, all);
    }

    /** The jars of the class path alone: what the cache is made with. */
    String jarsClassPath() {
        return String.join(File.pathSeparator, jars);
    }

    /** The options that start a worker from the cache: none until there is one. */
    List<String> options() {
        if (file == null || !Files.isRegularFile(file)) return List.of();
        List<String> options = new ArrayList<>(QUIET);
        options.add("-XX:AOTCache=" + file);
        return options;
    }

    /** The cache file (whether made yet or not); null where there is no cache for these workers. */
    Path file() {
        return file;
    }

    /**
     * Starts making the cache in a JVM of its own, which outlives this one, unless the cache is
     * there or being made. Never fails: without a cache, workers merely start slower.
     */
    void makeInBackground(String java) {
        if (file == null || Files.isRegularFile(file)) return;
        try {
            if (!claim()) return;
            List<String> command = new ArrayList<>(List.of(java, "-cp", jarsClassPath(), WorkerAotCache.class.getName(),
                    file.toString(), java, jarsClassPath()));
            command.addAll(workerOptions);
            new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log(file).toFile()).start();
            LOG.debug("making the workers' ahead-of-time cache {} in the background", file);
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not start making the workers' ahead-of-time cache {}", file, e);
        }
    }

    /**
     * Marks the cache as being made; false if another JVM is making it (and has been for less than
     * a while), or if making it failed in the last day (its log says why).
     */
    private boolean claim() throws IOException {
        Files.createDirectories(file.getParent());
        if (Files.exists(log(file)) && Files.getLastModifiedTime(log(file)).toInstant().isAfter(Instant.now().minus(Duration.ofDays(1)))) {
            return false;
        }
        Path marker = marker(file);
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                Files.createFile(marker);
                return true;
            } catch (FileAlreadyExistsException e) {
                FileTime since = Files.getLastModifiedTime(marker);
                if (since.toInstant().isAfter(Instant.now().minus(GIVEN_UP))) return false;
                Files.deleteIfExists(marker);
            }
        }
        return false;
    }

    /** Where making {@code cache} writes what its JVMs print: kept after a failure, deleted after success. */
    private static Path log(Path cache) {
        return cache.resolveSibling(cache.getFileName() + ".log");
    }

    private static Path marker(Path cache) {
        return cache.resolveSibling(cache.getFileName() + ".making");
    }

    /**
     * Makes {@code cache} and waits: records a worker's start and stop (a member alone on a free
     * loopback port) with {@code java}, {@code jars} and {@code workerOptions}, assembles the cache
     * from the recording, and moves it into place.
     *
     * @throws IOException if a step fails; its output is in the log beside the cache
     */
    static void make(Path cache, String java, String jars, List<String> workerOptions) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(cache.getParent());
        String stem = cache.getFileName() + "." + UUID.randomUUID();
        Path configuration = dir.resolve(stem + ".conf"), unfinished = dir.resolve(stem + ".tmp");
        Path log = log(cache);
        try {
            List<String> record = new ArrayList<>(List.of(java));
            record.addAll(workerOptions);
            record.addAll(QUIET);
            record.addAll(List.of("-XX:AOTMode=record", "-XX:AOTConfiguration=" + configuration, "-cp", jars,
                    WorkerAotCache.class.getName(), RECORD));
            run(record, log, "recording a worker's start");
            List<String> create = new ArrayList<>(List.of(java));
            create.addAll(workerOptions);
            create.addAll(QUIET);
            create.addAll(List.of("-XX:AOTMode=create", "-XX:AOTConfiguration=" + configuration,
                    "-XX:AOTCache=" + unfinished, "-cp", jars));
            run(create, log, "assembling the cache");
            Files.move(unfinished, cache, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Files.deleteIfExists(log);
            keepNewest(dir);
        } finally {
            Files.deleteIfExists(configuration);
            Files.deleteIfExists(unfinished);
            Files.deleteIfExists(marker(cache));
        }
    }

    private static void run(List<String> command, Path log, String what) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException(what + " took more than 5 minutes");
        }
        if (p.exitValue() != 0) throw new IOException(what + " failed (exit " + p.exitValue() + "), see " + log);
    }

    private static void keepNewest(Path dir) throws IOException {
        List<Path> caches;
        try (Stream<Path> files = Files.list(dir)) {
            caches = files.filter(f -> f.getFileName().toString().matches("worker-[0-9a-f]+\\.aot")).toList();
        }
        List<Path> newestFirst = new ArrayList<>(caches);
        newestFirst.sort(Comparator.comparing((Path f) -> {
            try {
                return Files.getLastModifiedTime(f);
            } catch (IOException e) {
                return FileTime.fromMillis(0);
            }
        }).reversed());
        for (Path old : newestFirst.subList(Math.min(KEEP, newestFirst.size()), newestFirst.size())) Files.deleteIfExists(old);
    }

    /**
     * Which cache: the JDK, the worker options and each jar: its path, size and time (what the JDK
     * checks before it uses a cache) and its entries' names and CRCs (so that a jar rebuilt with a
     * constant time and the same size, as some build tools do, still needs a new cache). Null if a
     * jar cannot be read: no cache then, rather than a wrong one.
     */
    private static String key(List<String> workerOptions, List<String> jars) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            StringBuilder s = new StringBuilder(System.getProperty("java.home")).append('\n')
                    .append(System.getProperty("java.vm.version")).append('\n');
            for (String o : workerOptions) s.append(o).append('\n');
            for (String jar : jars) {
                Path p = Path.of(jar);
                s.append(jar).append(' ').append(Files.size(p)).append(' ').append(Files.getLastModifiedTime(p).toMillis()).append('\n');
                sha.update(s.toString().getBytes(StandardCharsets.UTF_8));
                s.setLength(0);
                try (ZipFile zip = new ZipFile(jar)) {
                    for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                        ZipEntry entry = e.nextElement();
                        s.append(entry.getName()).append(' ').append(entry.getCrc()).append('\n');
                    }
                }
            }
            sha.update(s.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException | IOException e) {
            LOG.debug("no ahead-of-time cache for the workers: {}", e.toString());
            return null;
        }
    }

    /**
     * True if Baton's worker is in one of {@code jars} (where the JDK can cache it, and where the
     * JVM that makes the cache finds it): the jar this JVM loaded it from, or one holding it.
     */
    private static boolean holdsTheWorker(List<String> jars) {
        try {
            String loadedFrom = Path.of(HazelcastWorker.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
            if (jars.contains(loadedFrom)) return true;
        } catch (Exception e) {
            // no code source: look in the jars
        }
        String entry = HazelcastWorker.class.getName().replace('.', '/') + ".class";
        for (String jar : jars) {
            try (ZipFile zip = new ZipFile(jar)) {
                if (zip.getEntry(entry) != null) return true;
            } catch (IOException e) {
                // not a jar
            }
        }
        return false;
    }

    /**
     * {@code CACHE JAVA JARS [WORKER_OPTION...]}: makes the cache (the detached JVM); {@code --record}:
     * a worker's start and stop, recorded.
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals(RECORD)) {
            HazelcastInstance member = HazelcastWorker.start(new HazelcastWorker.Options(ClusterName.random(),
                    "127.0.0.1", LocalCluster.freePorts(1).get(0), List.of(), 1, List.of()));
            member.shutdown();
            System.exit(0); // the JDK writes what it recorded as the JVM exits
            return;
        }
        if (args.length < 3) {
            System.err.println("usage: WorkerAotCache CACHE JAVA JARS [WORKER_OPTION...] | --record");
            System.exit(2);
        }
        make(Path.of(args[0]), args[1], args[2], Arrays.asList(args).subList(3, args.length));
    }
}
