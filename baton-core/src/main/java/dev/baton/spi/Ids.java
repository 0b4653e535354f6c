package dev.baton.spi;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Time-ordered UUIDs (version 7): sortable by creation time and far cheaper than
 * {@link UUID#randomUUID()}, whose SecureRandom would dominate a task run's cost.
 */
public final class Ids {
    private Ids() {}

    /** The most significant half of a new version-7 id; pair it with {@link #lsb()}. */
    public static long msb() {
        long millis = System.currentTimeMillis();
        long rand12 = ThreadLocalRandom.current().nextLong() & 0xFFFL;
        return (millis << 16) | 0x7000L | rand12;
    }

    /** The least significant half of a new version-7 id (IETF variant, 62 random bits). */
    public static long lsb() {
        return (ThreadLocalRandom.current().nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    }

    /** A new version-7 id. */
    public static UUID next() {
        return new UUID(msb(), lsb());
    }
}
