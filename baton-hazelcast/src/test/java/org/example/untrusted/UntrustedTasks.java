package org.example.untrusted;

import dev.baton.Task;
import dev.baton.Task1;

/** A task from a package the test cluster's workers were not told to allow (no --allow org.example.). */
public final class UntrustedTasks {
    public static final Task1<Integer, Integer> DOUBLE = Task.named("untrusted_double").of(x -> x * 2);

    private UntrustedTasks() {}
}
