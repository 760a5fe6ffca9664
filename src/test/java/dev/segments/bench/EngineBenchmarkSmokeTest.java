package dev.segments.bench;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segments.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Runs the engine benchmark at CI scale (10,000 users) so the harness cannot rot, and checks that
 * what it measured is sane. Speed is measured, never asserted here.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class EngineBenchmarkSmokeTest {

    @Inject
    Pool pool;

    @Inject
    ObjectMapper json;

    @TestHTTPResource("/")
    URI base;

    @Test
    void shouldMeasureEveryWorkloadAndLeaveMembershipsConsistent() throws Exception {
        BenchSettings settings = BenchSettings.smoke();
        EngineBench bench = new EngineBench(pool, new BenchClient(base, json), json, settings, Path.of("target"));
        BenchFigures f;
        String incrementalOnly;
        try {
            f = bench.run();
            incrementalOnly = bench.runIncrementalOnly(1, 1); // -Dbench.only=incremental, on the data just generated
        } finally {
            bench.removeData();
        }
        String report = BenchReport.markdown(f, "./mvnw -B test -Dtest=EngineBenchmarkSmokeTest");
        Files.writeString(Path.of("target", "benchmark-smoke.md"), report);
        System.out.println(report);

        assertAll(
                () -> assertTrue(incrementalOnly.contains("| 1 |"), incrementalOnly),
                () -> assertTrue(incrementalOnly.endsWith("open memberships: 0\n"), incrementalOnly),
                () -> assertEquals(settings.segments(), f.firstCompute().jobs(), "one first compute per segment"),
                () -> assertEquals(0, f.firstCompute().failed(), "failed first computes"),
                () -> assertTrue(f.firstCompute().added() > 0, "the first compute wrote memberships"),
                () -> assertTrue(f.shape().minConditions() >= 3 && f.shape().maxConditions() <= 12, "3 to 12 conditions"),
                () -> assertTrue(f.shape().composable() > 0, "some segments reference others"),
                () -> assertTrue(f.steadyState().jobs() >= settings.segments(), "the full recompute covered every segment"),
                () -> assertEquals(0, f.steadyState().failed(), "failed recompute jobs"),
                () -> assertEquals(0, f.steadyState().changes(), "a steady-state recompute writes nothing"),
                () -> assertTrue(f.steadyState().members() >= f.firstCompute().added(), "members after the first compute"),
                () -> assertEquals((long) settings.eventRequests() * settings.eventsPerRequest(), f.events().events()),
                () -> assertTrue(f.events().joined() + f.events().left() > 0, "events moved users between segments"),
                () -> assertTrue(f.events().p50Millis() > 0 && f.events().p99Millis() >= f.events().p50Millis()),
                () -> assertTrue(f.drain().users() > 0, "events marked users dirty"),
                () -> assertEquals(0, f.drain().added() + f.drain().removed(), "the pass agrees with the real-time path"),
                () -> assertEquals(settings.users() / 100, f.incremental().dirtyUsers()),
                () -> assertEquals(f.incremental().dirtyUsers(), f.incremental().users(), "the pass evaluated every dirty user"),
                () -> assertTrue(f.incremental().added() + f.incremental().removed() > 0, "the changes moved users"),
                () -> assertEquals(0, f.steadyStateAfterChanges().changes(), "nothing left for a full recompute"),
                () -> assertEquals(settings.auditUsers(), f.audit().users()),
                () -> assertEquals(settings.users(), f.export().members(), "the export wrote every member"),
                () -> assertEquals(0, f.audit().evaluatorMismatches(), "evaluator vs membership table"),
                () -> assertEquals(0, f.audit().sqlMismatches(), "compiled SQL vs membership table"),
                () -> assertTrue(f.readAllSeconds() > 0 && f.evaluatorNanos().nanos() > 0),
                () -> assertTrue(f.estimates().sampleMillis() > 0 && f.estimates().exactMillis() > 0, "estimates timed"),
                // a correct 95% interval holds about 95 of 100; 80 or fewer would take a one-in-a-million run
                () -> assertTrue(f.estimates().covered() > 80, f.estimates().covered() + " of 100 intervals held the exact size"));
    }
}
