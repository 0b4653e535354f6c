package dev.baton.orchestration;

import dev.baton.State;
import dev.baton.StateType;
import dev.baton.spi.ConcurrencySlots;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static dev.baton.orchestration.Transitions.RUN;
import static dev.baton.orchestration.Transitions.state;
import static dev.baton.orchestration.Transitions.tagged;
import static org.assertj.core.api.Assertions.assertThat;

/** A run with limited tags runs holding a slot of each, given back when it leaves RUNNING. */
class TagConcurrencySlotsTest {
    private final TestClock clock = new TestClock();
    private final State pending = state(clock, StateType.PENDING);
    private final State running = state(clock, StateType.RUNNING);

    /** A keeper that answers as told and remembers what it was asked. */
    static final class ScriptedSlots implements ConcurrencySlots {
        final List<String> calls = new ArrayList<>();
        Acquisition answer = Acquisition.ACQUIRED;
        boolean interrupt;
        Runnable whileTaking = () -> {};

        @Override
        public Acquisition acquire(UUID runId, Set<String> tags) throws InterruptedException {
            calls.add("acquire " + runId + " " + tags);
            if (interrupt) throw new InterruptedException();
            whileTaking.run();
            return answer;
        }

        @Override
        public void release(UUID runId) {
            calls.add("release " + runId);
        }
    }

    private final ScriptedSlots slots = new ScriptedSlots();
    private final TagConcurrencySlots rule = new TagConcurrencySlots(clock, slots);

    @Test
    void runningTakesTheSlots() {
        assertThat(rule.before(tagged(Set.of("db"), pending, running))).isEqualTo(Decision.accept(running));
        assertThat(slots.calls).containsExactly("acquire " + RUN + " [db]");
    }

    @Test
    void runningIsStampedWhenTheSlotsAreHeldNotWhenProposed() {
        // taking the slot waited (for a slot freed by another run, or for the database's answer)
        slots.whileTaking = () -> clock.advance(Duration.ofMillis(40));

        Decision d = rule.before(tagged(Set.of("db"), pending, running));

        assertThat(d).isInstanceOf(Decision.Accept.class);
        State accepted = ((Decision.Accept) d).state();
        assertThat(accepted.type()).isEqualTo(StateType.RUNNING);
        assertThat(accepted.timestamp()).isEqualTo(running.timestamp().plusMillis(40));
    }

    @Test
    void aKeeperWithoutAFreeSlotMakesTheRunWait() {
        slots.answer = new ConcurrencySlots.Acquisition.RetryAfter(Duration.ofMillis(500), "db");

        Decision d = rule.before(tagged(Set.of("db"), pending, running));

        assertThat(d).isEqualTo(Decision.waitFor(Duration.ofMillis(500), "Every concurrency slot of tag 'db' is taken"));
    }

    @Test
    void anInterruptedWaitAbortsAndKeepsTheInterrupt() {
        slots.interrupt = true;
        try {
            Decision d = rule.before(tagged(Set.of("db"), pending, running));

            assertThat(d).isInstanceOf(Decision.Abort.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void leavingRunningGivesTheSlotsBack() {
        State awaiting = State.of(StateType.SCHEDULED, "AwaitingRetry", clock.epochNanos(), null, clock.now());
        State failed = state(clock, StateType.FAILED);

        rule.after(tagged(Set.of("db"), running, failed), awaiting);

        assertThat(slots.calls).containsExactly("release " + RUN);
    }

    @Test
    void enteringOrStayingOutOfRunningKeepsThem() {
        rule.after(tagged(Set.of("db"), pending, running), running);
        rule.after(tagged(Set.of("db"), pending, state(clock, StateType.CANCELLED)), state(clock, StateType.CANCELLED));

        assertThat(slots.calls).isEmpty();
    }

    @Test
    void aRunningTransitionThatDidNotHappenGivesTheSlotsBack() {
        rule.undo(tagged(Set.of("db"), pending, running));

        assertThat(slots.calls).containsExactly("release " + RUN);
    }

    @Test
    void runsWithoutTagsNeverAskTheKeeper() {
        rule.before(tagged(Set.of(), pending, running));
        rule.after(tagged(Set.of(), running, state(clock, StateType.COMPLETED)), state(clock, StateType.COMPLETED));
        rule.undo(tagged(Set.of(), pending, running));

        assertThat(slots.calls).isEmpty();
    }
}
