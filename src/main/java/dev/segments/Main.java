package dev.segments;

import dev.segments.db.EmbeddedDatabase;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Starts the application. When no database is configured it first starts an embedded PostgreSQL
 * (see {@link EmbeddedDatabase}), so that {@code ./mvnw quarkus:dev} and the packaged jar run with
 * nothing installed but a JDK.
 */
@QuarkusMain
public class Main {

    public static void main(String... args) {
        EmbeddedDatabase.startIfNoneConfigured();
        Quarkus.run(args);
    }
}
