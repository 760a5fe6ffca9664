package dev.segments.segment;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segments.rule.Rule;
import dev.segments.rule.RuleParser;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * Parsed rules of every segment, shared by the real-time path and the compute jobs. Rules are
 * parsed once per catalog version; each use compares the cached version with the database's, so
 * the cache follows rule changes made by any app instance.
 */
@ApplicationScoped
public class CatalogCache {

    private final ObjectMapper json;
    private final AtomicReference<Catalog> cached = new AtomicReference<>(Catalog.empty());

    public CatalogCache(ObjectMapper json) {
        this.json = json;
    }

    /** The catalog as of the database's current version, read through this connection. */
    public Uni<Catalog> current(SqlClient conn) {
        return conn.query("SELECT version FROM rule_catalog WHERE id = 1").execute()
                .onItem().transformToUni(rows -> {
                    long version = rows.iterator().next().getLong(0);
                    Catalog catalog = cached.get();
                    return catalog.version() == version ? Uni.createFrom().item(catalog) : load(conn, version);
                });
    }

    private Uni<Catalog> load(SqlClient conn, long version) {
        return conn.query("SELECT id, name, rules::text FROM segment").execute().map(rows -> {
            List<CatalogSegment> segments = new ArrayList<>();
            for (Row row : rows) {
                segments.add(CatalogSegment.of(row.getLong(0), row.getString(1), parse(row.getString(2))));
            }
            Catalog catalog = new Catalog(version, segments);
            cached.accumulateAndGet(catalog, (old, fresh) -> fresh.version() >= old.version() ? fresh : old);
            return catalog;
        });
    }

    private Rule parse(String rules) {
        try {
            return RuleParser.parse(json.readTree(rules), "/rules");
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
