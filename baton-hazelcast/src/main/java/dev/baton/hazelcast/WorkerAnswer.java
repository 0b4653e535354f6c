package dev.baton.hazelcast;

import dev.baton.TaskCall;

import java.io.IOException;
import java.io.ObjectInputFilter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * What a worker's answer means for a task run, in the flow run's process: its value, its own
 * failure, or a problem of the set-up said plainly (a class the worker lacks or refuses, a result
 * that cannot travel), naming the task run and the worker.
 */
final class WorkerAnswer {
    private WorkerAnswer() {}

    /** Completes {@code result} with what the task run's worker answered. */
    static void complete(TaskCall call, CompletableFuture<Object> result, String worker, byte kind, byte[] payload,
                         ObjectInputFilter filter) {
        String name = call.taskRunName();
        if (kind != Messages.Outcomes.OUTCOME) {
            String text = new String(payload, StandardCharsets.UTF_8);
            result.completeExceptionally(switch (kind) {
                case Messages.Outcomes.CLASS_MISSING -> classMissing(name, worker, text, null);
                case Messages.Outcomes.CLASS_REFUSED -> classRefused(name, worker, text, null);
                case Messages.Outcomes.RESULT_NOT_SERIALIZABLE -> new IllegalStateException("Task run '" + name
                        + "' finished on " + worker + " but its result could not travel back: an object of type " + text
                        + " is not java.io.Serializable. The result of a task run on the Hazelcast executor (and its body"
                        + " and arguments) must be serializable");
                default -> new IllegalStateException("Task run '" + name + "' failed on " + worker + ": " + text);
            });
            return;
        }
        Object outcome;
        try {
            outcome = CallCodec.read(payload, filter);
        } catch (ClassNotFoundException e) {
            result.completeExceptionally(new IllegalStateException("Task run '" + name + "' finished on " + worker
                    + " but its outcome cannot be read here: class " + e.getMessage()
                    + " is not on this process's class path", e));
            return;
        } catch (IOException | RuntimeException e) {
            String refused = AllowedClasses.refusedClass(e);
            result.completeExceptionally(refused != null
                    ? new IllegalStateException("Task run '" + name + "' finished on " + worker + " but its outcome (value"
                            + " or exception) holds an object of class " + refused + ", which this process does not"
                            + " deserialize from the cluster. Allow its package with"
                            + " HazelcastExecutor.builder().allowPackages(...)", e)
                    : new IllegalStateException("Task run '" + name + "' finished on " + worker + " but its outcome"
                            + " cannot be read here: " + e, e));
            return;
        }
        try {
            result.complete(call.result(outcome));
        } catch (Throwable t) {
            result.completeExceptionally(explain(name, worker, t));
        }
    }

    /** The task's own failure, unless it is the worker failing to load the task's classes. */
    private static Throwable explain(String name, String worker, Throwable t) {
        if (t instanceof ClassNotFoundException && fromDeserialization(t)) return classMissing(name, worker, t.getMessage(), t);
        String refused = AllowedClasses.refusedClass(t);
        if (refused != null && fromDeserialization(t)) return classRefused(name, worker, refused, t);
        return t;
    }

    private static boolean fromDeserialization(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            for (StackTraceElement e : c.getStackTrace()) if (e.getClassName().equals("java.io.ObjectInputStream")) return true;
        }
        return false;
    }

    private static Throwable classMissing(String name, String worker, String className, Throwable cause) {
        return new IllegalStateException("Task run '" + name + "' cannot run on " + worker + ": class " + className
                + " is not on the worker's class path. Put the jar with your tasks on every worker's class path"
                + " (./baton worker hazelcast --class-path app.jar ...)", cause);
    }

    private static Throwable classRefused(String name, String worker, String className, Throwable cause) {
        return new IllegalStateException("Task run '" + name + "' was refused by " + worker + ": its deserialization filter"
                + " does not allow class " + className + ". Allow its package on the workers (./baton worker hazelcast"
                + " --allow " + packageOf(className) + ") and in HazelcastExecutor.builder().allowPackages(...)", cause);
    }

    private static String packageOf(String className) {
        int dot = className.lastIndexOf('.');
        return dot < 0 ? className : className.substring(0, dot + 1);
    }

}
