package dev.segments.export;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SQL for {@code export_destination}. */
@ApplicationScoped
public class DestinationStore {

    private static final String COLUMNS = "id, name, kind, path, url, secret, batch_size, timeout_ms, max_attempts, created_at";

    public Uni<Destination> insert(SqlClient db, Destination d) {
        return db.preparedQuery("""
                INSERT INTO export_destination (name, kind, path, url, secret, batch_size, timeout_ms, max_attempts)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING\s""" + COLUMNS)
                .execute(Tuple.from(new Object[] {d.name(), d.type(), d.path(), d.url(), d.secret(), d.batchSize(),
                        d.timeoutMs(), d.maxAttempts()}))
                .map(rows -> toDestination(rows.iterator().next()));
    }

    public Uni<Optional<Destination>> find(SqlClient db, long id) {
        return db.preparedQuery("SELECT " + COLUMNS + " FROM export_destination WHERE id = $1").execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toDestination(rows.iterator().next())));
    }

    public Uni<List<Destination>> page(SqlClient db, long after, int limit) {
        return db.preparedQuery("SELECT " + COLUMNS + " FROM export_destination WHERE id > $1 ORDER BY id LIMIT $2")
                .execute(Tuple.of(after, limit))
                .map(rows -> {
                    List<Destination> page = new ArrayList<>();
                    rows.forEach(row -> page.add(toDestination(row)));
                    return page;
                });
    }

    public Uni<Boolean> delete(SqlClient db, long id) {
        return db.preparedQuery("DELETE FROM export_destination WHERE id = $1").execute(Tuple.of(id))
                .map(rows -> rows.rowCount() > 0);
    }

    private static Destination toDestination(Row row) {
        return new Destination(row.getLong(0), row.getString(1), row.getString(2), row.getString(3), row.getString(4),
                row.getString(5), row.getInteger(6), row.getInteger(7), row.getInteger(8),
                row.getOffsetDateTime(9).toInstant(), null);
    }
}
