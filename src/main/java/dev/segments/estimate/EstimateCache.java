package dev.segments.estimate;

import dev.segments.config.SegmentsConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Estimates already made, by canonical rule and options, each with the data version it was computed
 * at (a sequence that triggers move on every change of snapshots or memberships, on any instance).
 * An answer is reused only while the version is unchanged and it is younger than the TTL; the TTL
 * bounds the one case the version cannot see: a writer that committed while the estimate was being
 * computed, after its change had moved the version already. Least recently used answers go first.
 */
@ApplicationScoped
public class EstimateCache {

    private record Entry(long version, long createdNanos, Estimate estimate) {
    }

    private final int capacity;
    private final long ttlNanos;
    private final Map<String, Entry> entries;

    public EstimateCache(SegmentsConfig config) {
        this.capacity = config.estimate().cacheSize();
        this.ttlNanos = config.estimate().cacheTtl().toNanos();
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized Optional<Estimate> find(String key, long version) {
        Entry entry = entries.get(key);
        if (entry == null) {
            return Optional.empty();
        }
        if (entry.version != version || System.nanoTime() - entry.createdNanos > ttlNanos) {
            entries.remove(key);
            return Optional.empty();
        }
        return Optional.of(entry.estimate);
    }

    synchronized void put(String key, long version, Estimate estimate) {
        if (capacity > 0) {
            entries.put(key, new Entry(version, System.nanoTime(), estimate));
        }
    }
}
