package dev.segments.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * A real PostgreSQL for the Quarkus tests: started once per test run, fresh data every run. Tests run
 * it without fsync (the library's default); {@code -Dbench.durable-postgres=true} (set by the
 * benchmark profile) turns fsync and synchronous commits on; {@code -Dbench.data-dir=DIR} keeps the
 * database in DIR between runs (benchmark iterations that reuse their generated data).
 */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

    private EmbeddedPostgres postgres;

    @Override
    public Map<String, String> start() {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setServerConfig("max_connections", "200");
            if (Boolean.getBoolean("bench.durable-postgres")) {
                // production-like settings for benchmarks: the tests' defaults skip fsync for speed
                builder.setServerConfig("fsync", "on")
                        .setServerConfig("synchronous_commit", "on")
                        .setServerConfig("shared_buffers", System.getProperty("bench.shared-buffers", "1GB"));
            }
            String dataDir = System.getProperty("bench.data-dir", "");
            if (!dataDir.isBlank()) {
                builder.setDataDirectory(java.nio.file.Path.of(dataDir)).setCleanDataDirectory(false);
            }
            postgres = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int port = postgres.getPort();
        return Map.of(
                "quarkus.datasource.reactive.url", "postgresql://localhost:" + port + "/postgres",
                "quarkus.datasource.jdbc.url", "jdbc:postgresql://localhost:" + port + "/postgres",
                "quarkus.datasource.username", "postgres",
                "quarkus.datasource.password", "postgres");
    }

    @Override
    public void stop() {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
