package dev.segments.bench;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code -Dbench.only=estimate[,...]}: run only some parts of the benchmark (a comma-separated list;
 * empty or absent: everything). Each part that can run alone has its own runner, which checks
 * {@link #selected}; {@code EngineBenchmark} runs the estimate part alone when it is listed.
 */
final class BenchOnly {

    static final String ESTIMATE = "estimate";
    static final String EXPORT = "export";
    static final String INCREMENTAL = "incremental";
    static final String IMPORT = "import";
    static final String INTAKE = "intake";
    static final String KAFKA = "kafka";

    private BenchOnly() {
    }

    static Set<String> parts() {
        return Arrays.stream(System.getProperty("bench.only", "").split(","))
                .map(String::trim).filter(part -> !part.isEmpty()).collect(Collectors.toCollection(java.util.LinkedHashSet::new));
    }

    static boolean selected(String part) {
        return parts().contains(part);
    }
}
