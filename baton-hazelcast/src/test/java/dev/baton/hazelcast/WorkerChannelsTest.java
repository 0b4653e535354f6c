package dev.baton.hazelcast;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A worker's side of the exchanges, without a cluster: who waits, for how long, and what a closed channel answers. */
class WorkerChannelsTest {
    private static final long[] NONE = new long[0];
    private static final byte[][] NO_CALLS = new byte[0][];

    private final WorkerChannels channels = new WorkerChannels(1, List.of());
    private final UUID channel = UUID.randomUUID(), client = UUID.randomUUID();

    private Messages.Outcomes exchange(long waitMillis) throws InterruptedException {
        return channels.exchange(channel, client, NONE, NO_CALLS, NONE, waitMillis);
    }

    /** An exchange on a thread of its own, as each message has on a worker. */
    private CompletableFuture<Messages.Outcomes> exchangeAsync(long waitMillis) {
        CompletableFuture<Messages.Outcomes> answer = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                answer.complete(exchange(waitMillis));
            } catch (Throwable t) {
                answer.completeExceptionally(t);
            }
        });
        return answer;
    }

    /** Returns once an exchange waits on the channel (polling: nothing else shows it). */
    private void untilAnExchangeWaits() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (channels.waitingExchanges(channel) == 0) {
            assertTrue(System.nanoTime() < deadline, "no exchange waits on the channel after 20 s");
            Thread.sleep(1);
        }
    }

    @Test
    void anExchangeWithNothingToTakeWaitsItsTimeThenGoesBackEmpty() throws Exception {
        long start = System.nanoTime();
        Messages.Outcomes outcomes = exchange(200);
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(outcomes.known);
        assertEquals(0, outcomes.ids.length);
        assertTrue(tookMillis >= 150, "went back after " + tookMillis + " ms, before its wait of 200 ms");
    }

    @Test
    void aNewerExchangeSendsTheWaitingOneBack() throws Exception {
        CompletableFuture<Messages.Outcomes> older = exchangeAsync(30_000);
        untilAnExchangeWaits(); // the older one
        CompletableFuture<Messages.Outcomes> newer = exchangeAsync(300);
        // without the hand-over the older exchange would hold its thread (and its calls' outcomes) for 30 s
        Messages.Outcomes back = older.get(10, TimeUnit.SECONDS);
        assertTrue(back.known);
        assertEquals(0, back.ids.length);
        assertTrue(newer.get(10, TimeUnit.SECONDS).known);
    }

    @Test
    void aClosedChannelAnswersUnknownAtOnceAndStaysClosed() throws Exception {
        CompletableFuture<Messages.Outcomes> waiting = exchangeAsync(30_000);
        untilAnExchangeWaits();
        channels.close(channel);
        assertFalse(waiting.get(10, TimeUnit.SECONDS).known, "the waiting exchange learns the channel is gone");
        Messages.Outcomes late = exchange(30_000);
        assertFalse(late.known, "a late exchange does not open the closed channel again");
        assertArrayEquals(NONE, late.ids);
    }

    @Test
    void aDepartedClientsChannelsClose() throws Exception {
        exchange(1);
        channels.clientLeft(client);
        assertFalse(exchange(30_000).known);
    }
}
