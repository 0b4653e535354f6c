package dev.baton.hazelcast;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.hazelcast.client.HazelcastClient;
import com.hazelcast.core.HazelcastInstance;
import dev.baton.Flow;
import dev.baton.FlowRun;
import dev.baton.Task;
import dev.baton.Task1;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The local cluster a {@code new HazelcastExecutor()} starts per flow run: where it listens, what {@code ps} shows, how it stops. */
class LocalClusterTest {
    private static final Task1<Integer, Integer> INC = Task.named("inc").of(x -> x + 1);

    @Test
    void itsWorkersListenOn127001OnlyAndTheirCommandLinesDoNotHoldTheClusterName() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(2, 1, List.of("-Xmx256m"), List.of())) {
            String name = cluster.clusterName();
            assertThat(name).matches("baton-[0-9a-f]{32}");
            awaitJoined(cluster); // every socket a worker opens is open by then
            for (int i = 0; i < 2; i++) {
                Process worker = cluster.processes().get(i);
                int port = Integer.parseInt(cluster.addresses().get(i).split(":")[1]);

                assertThat(ListeningSockets.of(worker.pid())).containsExactly(new InetSocketAddress("127.0.0.1", port));
                for (String external : WorkerBindingTest.externalAddresses()) WorkerBindingTest.assertRefused(external, port);
                String commandLine = Files.readString(Path.of("/proc", String.valueOf(worker.pid()), "cmdline"))
                        .replace('\0', ' ');
                assertThat(commandLine).contains(HazelcastWorker.class.getName()).doesNotContain(name)
                        .doesNotContain("--cluster-name");
                // it reached the worker all the same: through its environment, which only this user can read
                assertThat(Files.readString(Path.of("/proc", String.valueOf(worker.pid()), "environ"), StandardCharsets.ISO_8859_1)
                        .split("\0")).contains(ClusterName.ENVIRONMENT + "=" + name);
            }
        }
    }

    @Test
    void runningAFlowOnItAndClosingItLogsNoWarning(@TempDir Path dir) throws Exception {
        // the workers log Hazelcast's INFO lines and up to a file; this JVM (the client) to a list
        Path workerLog = dir.resolve("workers.log");
        Path config = dir.resolve("logback-workers.xml");
        Files.writeString(config, """
                <configuration>
                  <statusListener class="ch.qos.logback.core.status.NopStatusListener"/>
                  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
                    <file>%s</file>
                    <prudent>true</prudent>
                    <encoder><pattern>%%level | %%logger | %%msg%%n</pattern></encoder>
                  </appender>
                  <logger name="com.hazelcast" level="INFO"/>
                  <root level="INFO"><appender-ref ref="FILE"/></root>
                </configuration>
                """.formatted(workerLog));
        Logger hazelcast = (Logger) LoggerFactory.getLogger("com.hazelcast"), baton = (Logger) LoggerFactory.getLogger("dev.baton.hazelcast");
        Level hazelcastLevel = hazelcast.getLevel();
        ListAppender<ILoggingEvent> clientLog = new ListAppender<>();
        clientLog.start();
        hazelcast.setLevel(Level.INFO);
        hazelcast.addAppender(clientLog);
        baton.addAppender(clientLog);
        int runs = 3;
        try {
            for (int i = 0; i < runs; i++) {
                HazelcastExecutor executor = HazelcastExecutor.builder().workers(2).threadsPerWorker(1)
                        .jvmOptions("-Xmx256m", "-Dlogback.configurationFile=" + config).build();
                FlowRun<Integer> run = Flow.named("quiet_close").executor(executor)
                        .of(() -> INC.submit(1).result() + INC.submit(2).result()).run();
                assertThat(run.state().isCompleted()).as("%s", run.state()).isTrue();
            }
        } finally {
            hazelcast.detachAppender(clientLog);
            baton.detachAppender(clientLog);
            hazelcast.setLevel(hazelcastLevel);
        }

        List<String> workers = Files.readAllLines(workerLog);
        // the workers' log covers their whole life, to the end of their shutdown
        assertThat(workers).filteredOn(l -> l.startsWith("INFO") && l.endsWith(" is SHUTDOWN")).hasSize(2 * runs);
        assertThat(workers).filteredOn(l -> l.startsWith("WARN") || l.startsWith("ERROR")).isEmpty();
        assertThat(clientLog.list).as("the client's log").isNotEmpty();
        assertThat(clientLog.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .extracting(ILoggingEvent::getFormattedMessage).isEmpty();
    }

    /** Waits until a client with the cluster's name sees both workers in it. */
    private static void awaitJoined(LocalCluster cluster) throws InterruptedException {
        HazelcastInstance client = HazelcastClient.newHazelcastClient(
                ClusterConfigs.client(cluster.clusterName(), cluster.addresses(), List.of(), 60_000));
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (client.getCluster().getMembers().size() < 2) {
                assertThat(cluster.deadWorker()).isNull();
                assertThat(System.nanoTime()).as("both workers joined within 60 s").isLessThan(deadline);
                Thread.sleep(25);
            }
        } finally {
            client.shutdown();
        }
    }
}
