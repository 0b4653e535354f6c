package dev.baton.orchestration;

import dev.baton.State;
import dev.baton.StateType;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/** Transitions and states for rule tests, timed on a {@link TestClock}. */
final class Transitions {
    static final UUID RUN = new UUID(1, 2);

    private Transitions() {}

    static State state(TestClock clock, StateType type) {
        return State.of(type, null, clock.epochNanos(), null, null);
    }

    static State scheduled(TestClock clock, String name, Instant due) {
        return State.of(StateType.SCHEDULED, name, clock.epochNanos(), null, due);
    }

    static State failed(TestClock clock, Throwable cause) {
        return State.of(StateType.FAILED, null, clock.epochNanos(), "Task run encountered an exception: " + cause, cause);
    }

    static Transition task(State initial, State proposed) {
        return new Transition(RunKind.TASK_RUN, RUN, Set.of(), initial, proposed, Transition.Context.NONE);
    }

    static Transition task(State initial, State proposed, Transition.Context context) {
        return new Transition(RunKind.TASK_RUN, RUN, Set.of(), initial, proposed, context);
    }

    static Transition tagged(Set<String> tags, State initial, State proposed) {
        return new Transition(RunKind.TASK_RUN, RUN, tags, initial, proposed, Transition.Context.NONE);
    }
}
