package dev.baton;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.baton.Support.completed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code withOptions}: one task, other retries, timeout or tags at one call site, the task itself unchanged. */
class WithOptionsTest {

    @Test
    void aCallSiteRetriesATaskThatDoesNotRetryElsewhere() {
        AtomicInteger attempts = new AtomicInteger();
        Task0<String> flaky = Task.named("flaky").description("fails twice").tags("net").of(() -> {
            if (attempts.incrementAndGet() <= 2) throw new IllegalStateException("attempt " + attempts.get());
            return "ok";
        });
        Task0<String> patient = flaky.withOptions(o -> o.retries(1).tags("patient"));

        FlowRun<String> run = completed(Flow.named("call_sites").of(() -> {
            State plain = flaky.submit().await();
            assertThat(plain.isFailed()).isTrue();
            return patient.call();
        }).run());

        assertThat(run.result()).isEqualTo("ok");
        TaskRun retried = run.taskRuns().get(1);
        assertThat(retried.taskName()).isEqualTo("flaky");
        assertThat(retried.tags()).containsExactlyInAnyOrder("net", "patient");
        assertThat(retried.history()).extracting(State::name).contains("AwaitingRetry", "Retrying");
        assertThat(patient.name()).isEqualTo("flaky");
        assertThat(patient.description()).contains("fails twice");
        assertThat(flaky.tags()).containsExactly("net"); // the task itself is unchanged
    }

    @Test
    void optionsNotChangedAreKeptAndAnotherTimeoutHolds() {
        Task1<Integer, Integer> slow = Task.named("slow").retries(2).of(x -> {
            new CountDownLatch(1).await(); // until the timeout interrupts it
            return x;
        });
        Task1<Integer, Integer> quick = slow.withOptions(o -> o.timeout(Duration.ofMillis(50)).retries(0));

        FlowRun<Integer> run = Flow.named("timeouts").of(() -> quick.call(1)).run();

        assertThat(run.state().isFailed()).isTrue();
        assertThat(run.taskRuns().get(0).state().name()).isEqualTo("TimedOut");
        assertThat(run.taskRuns().get(0).history()).extracting(State::name).doesNotContain("AwaitingRetry");
    }

    @Test
    void aFlowWithOtherOptionsRetriesRunsOnItsExecutorAndStaysOnItsRuntime() {
        AtomicInteger attempts = new AtomicInteger();
        Flow1<Integer, Integer> once = Flow.named("once").tags("etl").of(x -> {
            if (attempts.incrementAndGet() == 1) throw new IllegalStateException("first attempt");
            return x + 1;
        });
        dev.baton.spi.InMemoryRunStore store = dev.baton.spi.InMemoryRunStore.unbounded();
        BatonRuntime runtime = BatonRuntime.builder().store(store).home(java.nio.file.Path.of("target", "with-options"))
                .build();
        Flow1<Integer, Integer> patient = once.on(runtime)
                .withOptions(o -> o.retries(1).executor(new ConcurrentExecutor(2)).tags("patient"));

        FlowRun<Integer> run = patient.run(41);

        assertThat(run.result()).isEqualTo(42);
        assertThat(run.history()).extracting(State::name).contains("AwaitingRetry", "Retrying");
        assertThat(run.tags()).containsExactly("etl", "patient");
        assertThat(store.flowRuns()).extracting(FlowRun::id).containsExactly(run.id());
        assertThat(patient.executor()).isInstanceOf(ConcurrentExecutor.class);
        assertThat(once.executor()).isInstanceOf(SequentialExecutor.class);
        assertThat(once.tags()).containsExactly("etl");
    }

    @Test
    void badOptionsAreRefusedAsTheBuilderRefusesThem() {
        Task0<Integer> one = Task.named("one").of(() -> 1);
        assertThatThrownBy(() -> one.withOptions(o -> o.retries(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("task 'one'").hasMessageContaining("retries");
        assertThatThrownBy(() -> one.withOptions(o -> o.cacheExpiration(Duration.ofHours(1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a cacheKey");
        assertThatThrownBy(() -> one.withOptions(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("o -> o.retries(3)");
        Flow0<Integer> flow = Flow.named("flow").of(() -> 1);
        assertThatThrownBy(() -> flow.withOptions(o -> o.retries(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'flow'");
    }
}
