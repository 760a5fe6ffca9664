package dev.segments.bench;

/**
 * The knobs of one benchmark run, read from system properties ({@code -Dbench.users=...}) with the
 * given scale's defaults.
 *
 * @param users users generated
 * @param segments segments generated, each with {@code minConditions..maxConditions} conditions
 * @param eventClients concurrent clients posting event batches
 * @param eventsPerRequest events per batch request
 * @param eventRequests batch requests in all (spread over the clients)
 * @param latencyRequests single-event requests timed one after another
 * @param auditUsers users whose memberships are re-derived by the evaluator and by SQL
 * @param jmhIterations JMH warm-up and measurement iterations (1 s each)
 * @param seed seed of every random choice made in Java
 * @param firstUserId users are {@code firstUserId + 1 .. firstUserId + users}
 */
record BenchSettings(int users, int segments, int minConditions, int maxConditions, int eventClients,
        int eventsPerRequest, int eventRequests, int latencyRequests, int auditUsers, int jmhIterations, long seed,
        long firstUserId) {

    /** Full scale: the defaults, overridable one by one. */
    static BenchSettings fullScale() {
        int users = Integer.getInteger("bench.users", 1_000_000);
        return new BenchSettings(users, Integer.getInteger("bench.segments", 50), 3, 12,
                Integer.getInteger("bench.event-clients", 4), Integer.getInteger("bench.events-per-request", 1000),
                Integer.getInteger("bench.event-requests", 100), Integer.getInteger("bench.latency-requests", 1000),
                Integer.getInteger("bench.audit-users", 1000), Integer.getInteger("bench.jmh-iterations", 3),
                Long.getLong("bench.seed", 20260101L), 1_000_000_000L);
    }

    /** CI scale: small enough for every build, big enough to exercise every phase. */
    static BenchSettings smoke() {
        return new BenchSettings(10_000, 50, 3, 12, 3, 500, 6, 100, 500, 1, 20260101L, 2_000_000_000L);
    }

    long lastUserId() {
        return firstUserId + users;
    }
}
