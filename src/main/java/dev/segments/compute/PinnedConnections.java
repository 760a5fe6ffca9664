package dev.segments.compute;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

/**
 * Connections the dirty-user pass keeps between passes, one per lane, taken from the app's pool.
 * <p>
 * A PostgreSQL backend takes a page fault the first time it touches each page of shared memory (4 KiB
 * pages unless the server runs with huge pages), so a backend that has not read many users yet claims
 * and reads a pass's 10,000 random users about twice as slowly as one that has: 300 ms against 160 ms
 * for the same statement in psql at 1M users. A pooled connection serves whatever request comes, so its
 * backend rarely gets warm for these pages; a pinned one does after a few passes.
 * <p>
 * One pass at a time uses a lane's connection; a pass that runs at the same time on this instance (the
 * schedule and the API) takes pooled connections instead. A connection whose transaction failed or was
 * cancelled goes back to the pool and a new one is taken next time.
 */
final class PinnedConnections {

    private final Pool pool;
    private final AtomicReferenceArray<SqlConnection> connections;
    private final AtomicBoolean[] inUse;

    PinnedConnections(Pool pool, int lanes) {
        this.pool = pool;
        this.connections = new AtomicReferenceArray<>(lanes);
        this.inUse = new AtomicBoolean[lanes];
        for (int lane = 0; lane < lanes; lane++) {
            inUse[lane] = new AtomicBoolean();
        }
    }

    /** Runs {@code work} in a transaction on the lane's connection (a pooled one when another pass has it). */
    <T> Uni<T> inTransaction(int lane, Function<SqlConnection, Uni<T>> work) {
        if (!inUse[lane].compareAndSet(false, true)) {
            return pool.withTransaction(work);
        }
        return Uni.createFrom().deferred(() -> connection(lane))
                .chain(conn -> conn.begin().chain(tx -> work.apply(conn)
                        .call(tx::commit)
                        .onFailure().call(() -> tx.rollback().onFailure().recoverWithNull())))
                .onTermination().invoke((item, failure, cancelled) -> {
                    if (failure != null || cancelled) {
                        release(lane);
                    }
                    inUse[lane].set(false);
                });
    }

    private Uni<SqlConnection> connection(int lane) {
        SqlConnection pinned = connections.get(lane);
        if (pinned != null) {
            return Uni.createFrom().item(pinned);
        }
        return pool.getConnection().invoke(conn -> {
            connections.set(lane, conn);
            conn.closeHandler(() -> connections.compareAndSet(lane, conn, null));
        });
    }

    /** Gives the lane's connection back to the pool (which drops it if it is broken). */
    private void release(int lane) {
        SqlConnection conn = connections.getAndSet(lane, null);
        if (conn != null) {
            conn.closeAndForget();
        }
    }

    void releaseAll() {
        for (int lane = 0; lane < connections.length(); lane++) {
            release(lane);
        }
    }
}
