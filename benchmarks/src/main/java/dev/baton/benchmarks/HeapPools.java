package dev.baton.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;

/** The JVM's heap memory pools, whose peak usage the benchmarks reset before a case and read after. */
final class HeapPools {
    private HeapPools() {}

    static List<MemoryPoolMXBean> all() {
        List<MemoryPoolMXBean> pools = new ArrayList<>();
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.isValid()) pools.add(p);
        }
        return pools;
    }
}
