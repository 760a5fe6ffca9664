package dev.segments.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segments.rule.CompiledRule;
import dev.segments.rule.RuleEvaluator;
import dev.segments.rule.RuleParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * JMH: the in-memory evaluator ({@link RuleEvaluator#compile}) testing one compiled rule against
 * {@value #USERS} real attribute documents read from the benchmark database, so the score is the
 * time of one (user, segment) evaluation. The documents and the rule come in as files.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EvaluatorBenchmark {

    static final int USERS = 4096;

    /** Newline-separated attribute documents, at least {@value #USERS}. */
    @Param("")
    public String usersFile;

    /** The rule's wire JSON. */
    @Param("")
    public String ruleFile;

    private CompiledRule rule;
    private ObjectNode[] users;
    private final Instant now = Instant.now();
    private final LongPredicate noSegments = id -> false;

    @Setup
    public void load() throws IOException {
        ObjectMapper json = new ObjectMapper();
        rule = RuleEvaluator.compile(RuleParser.parse(json.readTree(Files.readString(Path.of(ruleFile))), ""));
        List<String> lines = Files.readAllLines(Path.of(usersFile));
        users = new ObjectNode[USERS];
        for (int i = 0; i < USERS; i++) {
            users[i] = (ObjectNode) json.readTree(lines.get(i % lines.size()));
        }
    }

    @Benchmark
    @OperationsPerInvocation(USERS)
    public int evaluate() {
        int matches = 0;
        for (ObjectNode user : users) {
            if (rule.test(user, noSegments, now)) {
                matches++;
            }
        }
        return matches;
    }

    /** Runs the benchmark in one short fork and answers the mean and error, in ns per (user, segment). */
    static Score run(Path usersFile, Path ruleFile, int iterations) throws RunnerException {
        Options options = new OptionsBuilder()
                .include(EvaluatorBenchmark.class.getName() + ".evaluate")
                .param("usersFile", usersFile.toAbsolutePath().toString())
                .param("ruleFile", ruleFile.toAbsolutePath().toString())
                .forks(1).jvmArgs("-Xms512m", "-Xmx512m")
                .warmupIterations(iterations).warmupTime(TimeValue.seconds(1))
                .measurementIterations(iterations).measurementTime(TimeValue.seconds(1))
                .shouldFailOnError(true)
                .build();
        RunResult result = new Runner(options).runSingle();
        return new Score(result.getPrimaryResult().getScore(), result.getPrimaryResult().getScoreError());
    }

    record Score(double nanos, double error) {
    }
}
