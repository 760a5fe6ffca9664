package dev.segments.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The packaged app ({@code target/quarkus-app/quarkus-run.jar}) as a real process on a free port,
 * its output in {@code target/it-logs/<name>-<n>.log}. {@link #kill()} is SIGKILL on Linux. The JVM
 * flags favour a quick start (the C1 compiler only, a single-threaded collector) over peak speed.
 */
final class AppProcess implements AutoCloseable {

    private static final Path JAR = Path.of(System.getProperty("app.jar", "target/quarkus-app/quarkus-run.jar"));

    private final String name;
    private final Map<String, String> environment;
    private final int port = ItDatabase.freePort();
    private final Path log;
    private Process process;

    private AppProcess(String name, Map<String, String> environment, Path log) {
        this.name = name;
        this.environment = environment;
        this.log = log;
    }

    /** Starts the app and waits until it answers its readiness check. */
    static AppProcess start(String name, ItDatabase database, Map<String, String> settings) {
        Map<String, String> env = new HashMap<>(database.appEnvironment());
        env.put("SEGMENTS_AUTH_ADMIN_TOKEN", Http.TOKEN);
        env.put("SEGMENTS_DEMO_ENABLED", "false");
        // these tests drive thousands of requests a second through one token to inject faults under load;
        // the per-token rate limit is proven by RateLimitTest, here it is off as an operator may set it
        env.put("SEGMENTS_LIMITS_REQUESTS_PER_SECOND", "0");
        env.putAll(settings);
        Path log = Path.of("target", "it-logs", name + "-" + System.nanoTime() + ".log");
        AppProcess app = new AppProcess(name, env, log);
        app.launch();
        return app;
    }

    private void launch() {
        try {
            Files.createDirectories(log.getParent());
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder builder = new ProcessBuilder(java, "-Xmx512m",
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", JAR.toAbsolutePath().toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(environment);
            builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitReady(Duration.ofSeconds(90));
    }

    Http http() {
        return new Http(URI.create("http://localhost:" + port));
    }

    /** SIGKILL: no shutdown hook runs, open transactions die with their connections. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts the same app again (same settings and port) after {@link #kill()}. */
    void restart() {
        launch();
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** The last lines of the app's log, for a failure message. */
    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return name + " log (" + log + "), last lines:\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "no log: " + e;
        }
    }

    private void awaitReady(Duration timeout) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the app exited with " + process.exitValue() + "\n" + tail());
            }
            try {
                HttpResponse<Void> answer = client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/q/health/ready"))
                        .header("authorization", "Bearer " + Http.TOKEN).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (answer.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(200);
        }
        throw new IllegalStateException("the app did not become ready in " + timeout + "\n" + tail());
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (alive()) {
            kill();
        }
    }
}
