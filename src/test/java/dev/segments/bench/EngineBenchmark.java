package dev.segments.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
 * The full-scale benchmark of the core engine (1,000,000 users by default). Not a test: run it with
 * {@code ./mvnw -B verify -Pbenchmark -Dbench.users=1000000}; it writes {@code target/benchmark.md}.
 * {@link EngineBenchmarkSmokeTest} runs the same code at CI scale.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class EngineBenchmark {

    @Inject
    Pool pool;

    @Inject
    ObjectMapper json;

    @TestHTTPResource("/")
    URI base;

    @Test
    void measure() throws Exception {
        BenchSettings settings = BenchSettings.fullScale();
        Path target = Path.of("target");
        if (BenchOnly.selected(BenchOnly.ESTIMATE)) { // -Dbench.only=estimate: the estimate rows alone
            String only = new EstimateOnlyBench(pool, new BenchClient(base, json), json, settings).run(
                    "./mvnw -B verify -Pbenchmark -Dbench.only=estimate -Dbench.users=" + settings.users());
            Files.writeString(target.resolve("benchmark-estimate.md"), only);
            System.out.println(only);
            if (!BenchOnly.selected(BenchOnly.EXPORT)) {
                return;
            }
        }
        if (BenchOnly.selected(BenchOnly.IMPORT)) { // the NDJSON import against an INSERT … SELECT of the same rows
            String only = new ImportBench(pool, new BenchClient(base, json), settings, target).run(
                    "./mvnw -B verify -Pbenchmark -Dbench.only=import -Dbench.users=" + settings.users());
            Files.writeString(target.resolve("benchmark-import.md"), only);
            System.out.println(only);
            return;
        }
        if (BenchOnly.selected(BenchOnly.INTAKE)) { // rows #4a-#4d, each against a baseline of the same run
            ImportBench imports = new ImportBench(pool, new BenchClient(base, json), settings, target);
            String only = new IntakeBench(pool, base, json, settings, imports).run(
                    "./mvnw -B package -DskipTests && ./mvnw -B verify -Pbenchmark -DskipITs -Dbench.only=intake -Dbench.users=" + settings.users());
            Files.writeString(target.resolve("benchmark-intake.md"), only);
            System.out.println(only);
            return;
        }
        if (BenchOnly.selected(BenchOnly.KAFKA)) { // rows #4e-#4g: the Kafka intake against REST batches, same run
            String only = new KafkaBench(pool, base, json, settings).run(
                    "./mvnw -B package -DskipTests && ./mvnw -B verify -Pbenchmark -DskipITs -Dbench.only=kafka -Dbench.users=" + settings.users());
            Files.writeString(target.resolve("benchmark-kafka.md"), only);
            System.out.println(only);
            return;
        }
        if (BenchOnly.selected(BenchOnly.INCREMENTAL)) { // rows #1, #3, #3b in rounds, data reusable (-Dbench.data-dir)
            String only = new EngineBench(pool, new BenchClient(base, json), json, settings, target)
                    .runIncrementalOnly(Integer.getInteger("bench.warmup-rounds", 2), Integer.getInteger("bench.rounds", 3));
            Files.writeString(target.resolve("benchmark-incremental.md"), only);
            System.out.println(only);
            return;
        }
        if (BenchOnly.selected(BenchOnly.EXPORT)) {
            // only row 7: the exports of a segment holding bench.users members (no users generated)
            BenchFigures.Export export = new ExportLoad(pool, new BenchClient(base, json), settings).run();
            String report = BenchReport.exportMarkdown(BenchReport.machine(pool), export,
                    "./mvnw -B verify -Pbenchmark -Dbench.only=export -Dbench.users=" + settings.users());
            Files.writeString(target.resolve("benchmark-export.md"), report);
            System.out.println(report);
            assertEquals(settings.users(), export.members(), "the full export wrote every member");
            assertEquals(0, export.diffAgainLines(), "a diff with nothing changed is empty");
            assertEquals(2L * (settings.users() / 200), export.diffChangedLines(), "the diff holds who joined and who left");
            return;
        }
        BenchFigures figures = new EngineBench(pool, new BenchClient(base, json), json, settings, target).run();
        String report = BenchReport.markdown(figures, "./mvnw -B verify -Pbenchmark -Dbench.users=" + settings.users());
        Files.writeString(target.resolve("benchmark.md"), report);
        System.out.println(report);
        // the figures are only worth printing if the engine stayed exact at this scale (speed is not asserted)
        assertEquals(0, figures.steadyState().changes(), "a steady-state recompute must write nothing");
        assertEquals(0, figures.audit().evaluatorMismatches() + figures.audit().sqlMismatches(), "membership mismatches");
    }
}
