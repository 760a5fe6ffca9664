package dev.segments.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The application's own settings (prefix {@code segments}); every one has a sensible default. */
@ConfigMapping(prefix = "segments")
public interface SegmentsConfig {

    /** The scheduled dirty-user pass. */
    Incremental incremental();

    /** The scheduled full recompute (correctness sweep). */
    Sweep sweep();

    /** Full computes. */
    Compute compute();

    /** Demo data loaded into an empty database. */
    Demo demo();

    /** Limits on request bodies. */
    Limits limits();

    /** Destinations and exports of segment members. */
    Exports exports();

    interface Incremental {
        /** How often the dirty-user pass runs, e.g. {@code 30s}; {@code off} disables the schedule. */
        @WithDefault("30s")
        String every();

        /** Users claimed per transaction by the dirty-user pass. */
        @WithDefault("5000")
        int batchSize();
    }

    interface Compute {
        /** Full computes of different segments run at the same time (each one is a single SQL statement). */
        @WithDefault("2")
        int parallelism();
    }

    interface Sweep {
        /** Cron expression (Quartz syntax) of the nightly full recompute; {@code off} disables it. */
        @WithDefault("0 30 3 * * ?")
        String cron();
    }

    interface Demo {
        /** Load demo users and segments when the database has no segment and no user yet. */
        @WithDefault("false")
        boolean enabled();

        /** Number of synthetic users in the demo data. */
        @WithDefault("100000")
        int users();
    }

    interface Limits {
        /** Maximum number of events in one {@code POST /api/v1/events} request. */
        @WithDefault("10000")
        int eventsPerRequest();

        /** How long a full compute of one segment may run before it is cancelled and marked failed. */
        @WithDefault("30m")
        Duration computeTimeout();
    }

    interface Exports {
        /**
         * Directory destinations must lie under this directory (made absolute against the working
         * directory); paths outside it, or reaching out of it through {@code ..} or links, are refused.
         */
        @WithDefault(".segments-data/exports")
        String root();

        /** How often queued exports are looked for (exports started through the API start at once); {@code off} disables it. */
        @WithDefault("2s")
        String poll();

        /** Exports running at once on this instance. */
        @WithDefault("2")
        int parallelism();

        /** A running export whose instance has not reported progress for this long is queued again. */
        @WithDefault("10m")
        Duration staleAfter();

        /** Webhook defaults a destination can override: members per request. */
        @WithDefault("1000")
        int batchSize();

        /** Webhook defaults a destination can override: how long one request may take. */
        @WithDefault("10s")
        Duration timeout();

        /** Webhook defaults a destination can override: attempts per batch before the export fails. */
        @WithDefault("8")
        int maxAttempts();

        /** First retry waits up to this long (full jitter), doubling per attempt. */
        @WithDefault("500ms")
        Duration backoffBase();

        /** Longest wait between two attempts, {@code Retry-After} included. */
        @WithDefault("60s")
        Duration backoffMax();
    }
}
