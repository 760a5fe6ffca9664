package dev.segments.bench;

import dev.segments.testing.Browser;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;

/**
 * Times the admin pages of a running app (the demo: 100,000 users, a dozen segments) and takes the
 * screenshots shown in the README. Not part of {@code ./mvnw verify} (the name does not end in Test):
 * start the app, then run
 * {@code ./mvnw test -Dtest=PageTour -Dsurefire.failIfNoSpecifiedTests=false -Dtour.base=http://localhost:8080
 * -Dtour.token=seg_… -Dtour.password=…} (an editor or admin token for the timed requests, the admin's password
 * for the screenshots; in dev mode the login page shows it).
 * Writes {@code docs/ui-timings.md} and {@code docs/screenshots/*.png}.
 */
class PageTour {

    private static final int WARMUP = 5;
    private static final int RUNS = 30;
    private static final Path DOCS = Path.of("docs");

    @RegisterExtension
    static Browser browser = new Browser(System.getProperty("tour.username", "admin"), System.getProperty("tour.password", ""));

    private final String base = System.getProperty("tour.base", "http://localhost:8080");
    private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void tour() throws Exception {
        String list = get("/segments").body();
        long segment = firstId(list, "/segments/(\\d+)\"");
        long user = firstId(get("/segments/" + segment + "/members").body(), "/users/(\\d+)\"");
        Map<String, String> pages = new LinkedHashMap<>();
        pages.put("Segments list", "/segments");
        pages.put("Segment page", "/segments/" + segment);
        pages.put("Builder (edit)", "/segments/" + segment + "/edit");
        pages.put("Builder (new)", "/segments/new");
        pages.put("Members page (htmx)", "/segments/" + segment + "/members");
        pages.put("Drift chart (htmx)", "/segments/" + segment + "/chart?range=all");
        pages.put("User", "/users/" + user);
        pages.put("Jobs", "/jobs");
        pages.put("Alerts", "/alerts");
        pages.put("Destinations", "/destinations");

        StringBuilder table = new StringBuilder("""
                # Admin page timings

                Loopback GETs against the packaged app on the demo data (100,000 users, a dozen segments), %d
                warm-up requests then %d timed ones per page, one at a time; the live estimate is the builder's
                POST with a 2-condition rule. Made by `PageTour` (see its Javadoc for the command).

                | page | median | p95 | max |
                |---|---|---|---|
                """.formatted(WARMUP, RUNS));
        for (var page : pages.entrySet()) {
            table.append(row(page.getKey(), time(() -> get(page.getValue()))));
        }
        String token = csrfToken();
        String form = "n=r&r.k=g&r.logic=AND&n=r-0&r-0.k=c&r-0.attr=country&r-0.op=eq&r-0.val=US"
                + "&n=r-1&r-1.k=c&r-1.attr=lifetime_value&r-1.op=gt&r-1.val=";
        int[] value = {100};
        table.append(row("Live estimate (POST, value changes each time)", time(() -> post("/segments/builder/estimate",
                form + (value[0]++), token))));
        table.append("\nMachine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(System.getProperty("os.name")).append(", Java ").append(System.getProperty("java.version"))
                .append("; load average at the end: ").append(Files.readString(Path.of("/proc/loadavg")).trim()).append('\n');
        Files.writeString(DOCS.resolve("ui-timings.md"), table);
        System.out.println(table);
        screenshots(segment, user);
    }

    private void screenshots(long segment, long user) throws IOException {
        Path dir = Files.createDirectories(DOCS.resolve("screenshots"));
        URL root = URI.create(base).toURL();
        shoot(root, "/segments", dir.resolve("segments.png"), null);
        shoot(root, "/segments/" + segment + "/edit", dir.resolve("builder.png"), "estimate-value");
        shoot(root, "/segments/" + segment, dir.resolve("segment.png"), null);
        shoot(root, "/users/" + user, dir.resolve("user.png"), null);
        shoot(root, "/jobs", dir.resolve("jobs.png"), null);
    }

    private void shoot(URL root, String path, Path file, String waitForId) throws IOException {
        var driver = browser.open(root, path);
        if (waitForId != null) {
            browser.waitFor(d -> d.findElements(By.id(waitForId)).isEmpty() ? null : true);
        }
        try {
            Thread.sleep(400);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    }

    private interface Call {
        HttpResponse<String> run() throws Exception;
    }

    private static List<Double> time(Call call) throws Exception {
        for (int i = 0; i < WARMUP; i++) {
            check(call.run());
        }
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            long start = System.nanoTime();
            check(call.run());
            millis.add((System.nanoTime() - start) / 1e6);
        }
        millis.sort(Double::compare);
        return millis;
    }

    private static void check(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            throw new AssertionError(response.uri() + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    private static String row(String name, List<Double> millis) {
        return String.format(Locale.ROOT, "| %s | %.1f ms | %.1f ms | %.1f ms |%n", name, millis.get(millis.size() / 2),
                millis.get((int) Math.ceil(millis.size() * 0.95) - 1), millis.get(millis.size() - 1));
    }

    /** The API token of {@code -Dtour.token=} (any role that can edit), if given. */
    private static HttpRequest.Builder authorized(HttpRequest.Builder request) {
        String token = System.getProperty("tour.token", "");
        return token.isEmpty() ? request : request.header("Authorization", "Bearer " + token);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(authorized(HttpRequest.newBuilder(URI.create(base + path))).header("HX-Request", path.contains("members")
                || path.contains("chart") ? "true" : "false").GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String form, String token) throws Exception {
        return http.send(authorized(HttpRequest.newBuilder(URI.create(base + path))).header("Content-Type",
                "application/x-www-form-urlencoded").header("X-CSRF-Token", token).header("HX-Request", "true")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String csrfToken() throws Exception {
        String page = get("/segments/new").body();
        Matcher matcher = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page);
        if (!matcher.find()) {
            throw new AssertionError("no CSRF token in the builder page");
        }
        return matcher.group(1);
    }

    private static long firstId(String html, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(html);
        if (!matcher.find()) {
            throw new AssertionError("nothing matches " + regex);
        }
        return Long.parseLong(matcher.group(1));
    }
}
