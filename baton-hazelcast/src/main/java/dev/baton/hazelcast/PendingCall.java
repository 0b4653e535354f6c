package dev.baton.hazelcast;

import dev.baton.TaskCall;

import java.util.concurrent.CompletableFuture;

/** A body call on its way to a worker: its bytes, where it is, and how many times it was sent. */
final class PendingCall {
    final long id;
    final TaskCall call;
    final byte[] bytes;
    final CompletableFuture<Object> result = new CompletableFuture<>();
    volatile MemberChannel channel;
    int sends; // guarded by the session's WorkerDispatch

    PendingCall(long id, TaskCall call, byte[] bytes) {
        this.id = id;
        this.call = call;
        this.bytes = bytes;
    }
}
