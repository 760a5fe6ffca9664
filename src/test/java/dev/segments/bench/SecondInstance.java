package dev.segments.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * A second instance of the app on the benchmark's database: the packaged jar
 * ({@code target/quarkus-app/quarkus-run.jar}, so run {@code ./mvnw package -DskipTests} first) as a
 * process on a free port, with the test instance's datasource and admin token and, like the test
 * profile, no scheduled work (no dirty-user pass, sweep or polling) and no rate limit. Its output goes
 * to {@code target/bench-second-instance.log}.
 */
final class SecondInstance implements AutoCloseable {

    private static final Path JAR = Path.of(System.getProperty("app.jar", "target/quarkus-app/quarkus-run.jar"));

    private final Process process;
    private final URI base;

    private SecondInstance(Process process, URI base) {
        this.process = process;
        this.base = base;
    }

    static boolean available() {
        return Files.isRegularFile(JAR);
    }

    static SecondInstance start() throws Exception {
        return start(Map.of());
    }

    /** A second instance with these environment variables on top (e.g. other settings for a baseline). */
    static SecondInstance start(Map<String, String> settings) throws Exception {
        Config config = ConfigProvider.getConfig();
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx2g", "-jar", JAR.toAbsolutePath().toString())
                .redirectErrorStream(true).redirectOutput(Path.of("target", "bench-second-instance.log").toFile());
        Map<String, String> env = builder.environment();
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", config.getValue("quarkus.datasource.reactive.url", String.class));
        env.put("QUARKUS_DATASOURCE_JDBC_URL", config.getValue("quarkus.datasource.jdbc.url", String.class));
        env.put("QUARKUS_DATASOURCE_USERNAME", config.getValue("quarkus.datasource.username", String.class));
        env.put("QUARKUS_DATASOURCE_PASSWORD", config.getValue("quarkus.datasource.password", String.class));
        env.put("SEGMENTS_AUTH_ADMIN_TOKEN", config.getValue("segments.auth.admin-token", String.class));
        env.put("SEGMENTS_DEMO_ENABLED", "false");
        env.put("SEGMENTS_LIMITS_REQUESTS_PER_SECOND", "0");
        // the same group commit as the test instance (a run may set them with -Dsegments.intake.…)
        env.put("SEGMENTS_INTAKE_GROUP_EVENTS", config.getValue("segments.intake.group-events", String.class));
        env.put("SEGMENTS_INTAKE_CONCURRENT_GROUPS", config.getValue("segments.intake.concurrent-groups", String.class));
        for (String off : new String[] {"SEGMENTS_INCREMENTAL_EVERY", "SEGMENTS_SWEEP_CRON", "SEGMENTS_TIME_DEPENDENT_EVERY",
                "SEGMENTS_ALERTS_STALE_CHECK_EVERY", "SEGMENTS_ALERTS_NOTIFY_EVERY", "SEGMENTS_EXPORTS_POLL"}) {
            env.put(off, "off");
        }
        env.putAll(settings);
        SecondInstance instance = new SecondInstance(builder.start(), URI.create("http://localhost:" + port + "/"));
        instance.awaitReady(Duration.ofSeconds(180));
        return instance;
    }

    URI base() {
        return base;
    }

    private void awaitReady(Duration timeout) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the second instance exited with " + process.exitValue()
                        + ", see target/bench-second-instance.log");
            }
            try {
                HttpResponse<Void> answer = client.send(HttpRequest.newBuilder(base.resolve("/q/health/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (answer.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        close();
        throw new IllegalStateException("the second instance was not ready in " + timeout);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
