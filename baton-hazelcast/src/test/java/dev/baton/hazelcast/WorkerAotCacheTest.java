package dev.baton.hazelcast;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The workers' ahead-of-time cache, made by the JDK and used by a real worker JVM. */
class WorkerAotCacheTest {
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @Test
    void aWorkerStartsFromTheCacheOnceItIsMade(@TempDir Path home) throws Exception {
        assumeTrue(Runtime.version().feature() >= 25, "ahead-of-time caches made in one step need Java 25");
        String classPath = classPathWithBatonInAJar(home) + File.pathSeparator + testClasses();
        WorkerAotCache cache = WorkerAotCache.of(home, JvmOptions.forWorker(), classPath);

        assertThat(cache.file()).isNotNull().doesNotExist();
        assertThat(cache.options()).as("no cache yet, no options").isEmpty();
        assertThat(cache.classPath()).as("class directories after the jars").endsWith(File.pathSeparator + testClasses());

        WorkerAotCache.make(cache.file(), JAVA, cache.jarsClassPath(), JvmOptions.forWorker());

        assertThat(cache.file()).isRegularFile();
        assertThat(cache.options()).contains("-XX:AOTCache=" + cache.file());
        try (Stream<Path> left = Files.list(cache.file().getParent())) {
            assertThat(left).as("nothing but the cache is left").containsExactly(cache.file());
        }
        // AOTMode=on: the JVM refuses to start unless it can use the cache
        List<String> command = new ArrayList<>(List.of(JAVA));
        command.addAll(JvmOptions.forWorker());
        command.addAll(cache.options());
        command.addAll(List.of("-XX:AOTMode=on", "-cp", cache.classPath(), HazelcastWorker.class.getName(),
                "--cluster-name", "aot-test", "--port", String.valueOf(WorkerProcess.freePort())));
        Path output = home.resolve("worker.out");
        Process worker = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(output).contains(HazelcastWorker.READY) && worker.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(Files.readString(output)).contains(HazelcastWorker.READY).doesNotContain("[aot]", "[cds]");
        } finally {
            worker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void anotherJarOrOtherOptionsNeedAnotherCache(@TempDir Path home) throws IOException {
        assumeTrue(Runtime.version().feature() >= 25, "ahead-of-time caches made in one step need Java 25");
        String classPath = classPathWithBatonInAJar(home);
        Path first = WorkerAotCache.of(home, JvmOptions.forWorker(), classPath).file();

        assertThat(WorkerAotCache.of(home, JvmOptions.forWorker(), classPath).file()).isEqualTo(first);
        List<String> more = new ArrayList<>(JvmOptions.forWorker());
        more.add("-Xmx300m");
        assertThat(WorkerAotCache.of(home, more, classPath).file()).isNotEqualTo(first);
        Path jar = home.resolve("baton-hazelcast.jar");
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() - 60_000));
        assertThat(WorkerAotCache.of(home, JvmOptions.forWorker(), classPath).file()).isNotEqualTo(first);
    }

    @Test
    void aJarRebuiltWithTheSameSizeAndTimeNeedsAnotherCache(@TempDir Path home) throws IOException {
        assumeTrue(Runtime.version().feature() >= 25, "ahead-of-time caches made in one step need Java 25");
        Path app = home.resolve("app.jar");
        FileTime buildTime = FileTime.fromMillis(1_700_000_000_000L); // as build tools that fix times write it
        storedJar(app, "version 1");
        Files.setLastModifiedTime(app, buildTime);
        String classPath = classPathWithBatonInAJar(home) + File.pathSeparator + app;
        Path first = WorkerAotCache.of(home, JvmOptions.forWorker(), classPath).file();
        long size = Files.size(app);

        storedJar(app, "version 2");
        Files.setLastModifiedTime(app, buildTime);

        assertThat(Files.size(app)).isEqualTo(size);
        assertThat(WorkerAotCache.of(home, JvmOptions.forWorker(), classPath).file()).isNotEqualTo(first);
    }

    /** A jar with one uncompressed entry holding {@code text}: same-length texts give same-size jars. */
    private static void storedJar(Path jar, String text) throws IOException {
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(bytes);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            JarEntry entry = new JarEntry("com/acme/version.txt");
            entry.setMethod(JarEntry.STORED);
            entry.setSize(bytes.length);
            entry.setCrc(crc.getValue());
            entry.setTime(0);
            out.putNextEntry(entry);
            out.write(bytes);
            out.closeEntry();
        }
    }

    @Test
    void aFailureToMakeTheCacheIsNotRetriedForADay(@TempDir Path home) throws IOException {
        assumeTrue(Runtime.version().feature() >= 25, "ahead-of-time caches made in one step need Java 25");
        WorkerAotCache cache = WorkerAotCache.of(home, JvmOptions.forWorker(), classPathWithBatonInAJar(home));
        Path log = cache.file().resolveSibling(cache.file().getFileName() + ".log");
        Files.createDirectories(log.getParent());
        Files.writeString(log, "assembling the cache failed");

        cache.makeInBackground(JAVA);

        try (Stream<Path> files = Files.list(cache.file().getParent())) {
            assertThat(files).as("no attempt started: only the log of the last").containsExactly(log);
        }
    }

    @Test
    void withBatonOutsideAnyJarThereIsNoCache(@TempDir Path home) {
        // this module's tests load Baton from target/classes, as an IDE would
        WorkerAotCache cache = WorkerAotCache.of(home, JvmOptions.forWorker(), System.getProperty("java.class.path"));

        assertThat(cache.file()).isNull();
        assertThat(cache.options()).isEmpty();
        cache.makeInBackground(JAVA);
        assertThat(home).isEmptyDirectory();
    }

    /**
     * The jars of this JVM's class path and, in place of each module's target/classes (this
     * module's, and baton-core's when the build has not packaged it), a jar of it (in {@code dir}).
     */
    private static String classPathWithBatonInAJar(Path dir) throws IOException {
        List<String> made = new ArrayList<>(), jars = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path entry = Path.of(e);
            if (Files.isRegularFile(entry)) {
                jars.add(e);
            } else if (e.endsWith("target" + File.separator + "classes")) {
                Path jar = dir.resolve(entry.getParent().getParent().getFileName() + ".jar"); // baton-hazelcast.jar
                jarOf(entry, jar);
                made.add(jar.toString());
            }
        }
        made.addAll(jars);
        return String.join(File.pathSeparator, made);
    }

    private static void jarOf(Path classes, Path jar) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
    }

    private static String testClasses() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> e.endsWith("test-classes")).findFirst().map(e -> Path.of(e).toAbsolutePath().normalize().toString())
                .orElseThrow();
    }
}
