package dev.segments.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets per key (a token, a session, or the address of an anonymous caller), in memory of
 * this instance: {@code rate} requests per second on average, {@code burst} at once. Buckets that have
 * refilled are dropped when many keys are held, so memory stays bounded by the active callers.
 */
public final class RateLimiter {

    private static final int PRUNE_ABOVE = 10_000;

    private final double rate;
    private final double burst;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(double rate, int burst) {
        this.rate = rate;
        this.burst = Math.max(1, burst);
    }

    /** 0 if a request of {@code key} may go now (and takes its token), else the seconds until it may. */
    public long acquire(String key, long nanoTime) {
        if (buckets.size() > PRUNE_ABOVE) {
            buckets.values().removeIf(b -> b.full(nanoTime));
        }
        return buckets.computeIfAbsent(key, k -> new Bucket(burst, nanoTime)).take(nanoTime);
    }

    private final class Bucket {
        private double tokens;
        private long last;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.last = now;
        }

        synchronized long take(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - tokens) / rate));
        }

        synchronized boolean full(long now) {
            refill(now);
            return tokens >= burst;
        }

        private void refill(long now) {
            tokens = Math.min(burst, tokens + (now - last) / 1e9 * rate);
            last = now;
        }
    }
}
