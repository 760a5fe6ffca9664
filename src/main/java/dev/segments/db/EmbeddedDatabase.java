package dev.segments.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/**
 * An embedded PostgreSQL server for running the app without installing a database.
 *
 * <p>It starts only when neither the reactive nor the JDBC datasource URL is configured (as a system
 * property or an environment variable). Its data directory survives restarts (default
 * {@code .segments-data/postgres}, or {@code SEGMENTS_EMBEDDED_DATA_DIR}), and it sets the
 * datasource properties so that Quarkus connects to it. Dev-mode reloads reuse the running server,
 * and the server stops with the JVM (the library registers a shutdown hook).
 */
public final class EmbeddedDatabase {

    private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class);
    private static EmbeddedPostgres server;

    private EmbeddedDatabase() {
    }

    public static synchronized void startIfNoneConfigured() {
        if (server == null && (isConfigured("quarkus.datasource.reactive.url")
                || isConfigured("quarkus.datasource.jdbc.url"))) {
            return;
        }
        if (server == null) {
            Path dataDir = Path.of(setting("segments.embedded.data-dir", ".segments-data/postgres"));
            server = start(dataDir);
            LOG.infof("Started embedded PostgreSQL on port %d with data in %s", server.getPort(), dataDir.toAbsolutePath());
        }
        int port = server.getPort();
        System.setProperty("quarkus.datasource.reactive.url", "postgresql://localhost:" + port + "/postgres");
        System.setProperty("quarkus.datasource.jdbc.url", "jdbc:postgresql://localhost:" + port + "/postgres");
        System.setProperty("quarkus.datasource.username", "postgres");
        System.setProperty("quarkus.datasource.password", "postgres");
        if (!isConfigured("segments.demo.enabled")) {
            System.setProperty("segments.demo.enabled", "true");
        }
    }

    /** Starts a server on a data directory; an existing directory is reused, not wiped. */
    public static EmbeddedPostgres start(Path dataDir) {
        try {
            Files.createDirectories(dataDir.getParent() == null ? Path.of(".") : dataDir.getParent());
            return EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("shared_buffers", "512MB")
                    .setServerConfig("fsync", "on")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded PostgreSQL in " + dataDir, e);
        }
    }

    private static boolean isConfigured(String property) {
        return setting(property, null) != null;
    }

    private static String setting(String property, String fallback) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(property.toUpperCase().replaceAll("[^A-Z0-9]", "_"));
        }
        return value == null || value.isBlank() ? fallback : value;
    }
}
