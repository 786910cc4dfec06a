package io.mailscope.cli.bench;

import com.sun.management.GarbageCollectionNotificationInfo;

import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The largest live heap during a pass: heap in use after each garbage collection (GC notifications), and once more
 * after a forced collection at the end of the input, when the reassembler still holds every open connection.
 * Heap "used" before a collection says more about the young generation's size than about what the code needs.
 */
final class HeapProbe implements NotificationListener, AutoCloseable {
    private final Set<String> heapPools = new HashSet<>();
    private volatile long peakLive;
    private volatile int collections;

    HeapProbe() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heapPools.add(pool.getName());
            }
        }
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(this, null, null);
            }
        }
    }

    /** Live heap now: a full collection first. */
    static long liveHeapNow() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static long maxHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
    }

    /** Records the live heap now (forces a collection). */
    void sample() {
        record(liveHeapNow());
    }

    long peakLive() {
        return peakLive;
    }

    int collections() {
        return collections;
    }

    @Override
    public void handleNotification(Notification n, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
        long used = 0;
        for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
            if (heapPools.contains(e.getKey())) {
                used += e.getValue().getUsed();
            }
        }
        collections++;
        record(used);
    }

    private synchronized void record(long used) {
        if (used > peakLive) {
            peakLive = used;
        }
    }

    @Override
    public void close() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                try {
                    emitter.removeNotificationListener(this);
                } catch (javax.management.ListenerNotFoundException ignored) {
                    // not registered on this collector
                }
            }
        }
    }
}
