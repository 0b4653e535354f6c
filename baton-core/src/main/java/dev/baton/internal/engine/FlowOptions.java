package dev.baton.internal.engine;

import dev.baton.FlowHook;
import dev.baton.ResultSerializer;
import dev.baton.RetryDelay;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * A flow's run options, immutable.
 *
 * @param retries       attempts after the first one
 * @param retryDelay    the wait before each retry
 * @param retryIf       which failures are retried
 * @param timeout       the longest an attempt may run, or null
 * @param persistResult write the flow's result to result storage
 * @param serializer    how the result is written
 * @param logPrints     lines the flow's body and its task runs print to {@code System.out} go to the run logger
 * @param parameterNames the names of the flow's parameters, in order, for deployments (empty: not named)
 */
public record FlowOptions(int retries, RetryDelay retryDelay, Predicate<? super Throwable> retryIf, Duration timeout,
                          boolean persistResult, ResultSerializer serializer,
                          List<FlowHook> onCompletion, List<FlowHook> onFailure, List<FlowHook> onCancellation,
                          List<FlowHook> onCrashed, boolean logPrints, List<String> parameterNames) {

    public static final FlowOptions PLAIN = new FlowOptions(0, RetryDelay.none(), t -> true, null, false, null,
            List.of(), List.of(), List.of(), List.of(), false, List.of());

    public FlowOptions {
        onCompletion = List.copyOf(onCompletion);
        onFailure = List.copyOf(onFailure);
        onCancellation = List.copyOf(onCancellation);
        onCrashed = List.copyOf(onCrashed);
        parameterNames = List.copyOf(parameterNames);
    }

    ResultSerializer serializerOrDefault() {
        return serializer != null ? serializer : ResultSerializer.json();
    }
}
