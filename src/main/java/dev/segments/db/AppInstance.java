package dev.segments.db;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * This app instance as the other instances see it: a random id, chosen at start, and a heartbeat
 * row in {@code app_instance}. Work an instance owns (compute jobs) is taken over by another one once
 * its heartbeat is older than {@code segments.instances.dead-after}, so a killed instance never leaves
 * a job running forever, and a live one never loses its work to another.
 */
@ApplicationScoped
public class AppInstance {

    private final UUID id = UUID.randomUUID();

    public UUID id() {
        return id;
    }

    /** Records that this instance is alive now. */
    public Uni<Void> heartbeat(SqlClient db) {
        return db.preparedQuery("""
                INSERT INTO app_instance (id) VALUES ($1)
                ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()""")
                .execute(Tuple.of(id)).replaceWithVoid();
    }

    /** Forgets instances silent for a day (work they still own counts as orphaned all the same). */
    public Uni<Void> forgetLongGone(SqlClient db) {
        return db.query("DELETE FROM app_instance WHERE heartbeat_at < now() - interval '1 day'").execute()
                .replaceWithVoid();
    }

    /**
     * SQL condition, true when the instance whose id is in {@code column} has not reported for
     * {@code $n} seconds (or is unknown); {@code param} is the placeholder of that number.
     */
    public static String stopped(String column, String param) {
        return "NOT EXISTS (SELECT 1 FROM app_instance i WHERE i.id = " + column
                + " AND i.heartbeat_at >= now() - " + param + "::bigint * interval '1 second')";
    }
}
