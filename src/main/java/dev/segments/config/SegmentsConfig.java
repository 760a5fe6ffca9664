package dev.segments.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The application's own settings (prefix {@code segments}); every one has a sensible default. */
@ConfigMapping(prefix = "segments")
public interface SegmentsConfig {

    /** The scheduled dirty-user pass. */
    Incremental incremental();

    /** The scheduled full recompute (correctness sweep). */
    Sweep sweep();

    /** Full computes. */
    Compute compute();

    /** The scheduled re-evaluation of time-dependent segments. */
    TimeDependent timeDependent();

    /** Demo data loaded into an empty database. */
    Demo demo();

    /** The embedded PostgreSQL started when no database is configured (read by {@code EmbeddedDatabase} before startup). */
    Embedded embedded();

    /** Limits on request bodies. */
    Limits limits();

    /** Drift alerts: the staleness check and the hand-over of tripped alerts to their destination. */
    Alerts alerts();

    /** Size estimates, previews and the attribute catalog. */
    Estimate estimate();

    /** Destinations and exports of segment members. */
    Exports exports();

    /** How app instances sharing the database learn that one of them stopped. */
    Instances instances();

    /** Attribute intake from every source: idempotency keys. */
    Intake intake();

    /** Data sources other than the REST API. */
    Sources sources();

    interface Intake {
        /**
         * How long an applied event's idempotency key (an explicit {@code event_id}, a Segment
         * {@code messageId}, a Kafka record's position) is remembered: a redelivery within it changes nothing.
         */
        @WithDefault("7d")
        Duration dedupeWindow();

        /** How often keys older than the window are deleted ({@code off} to never delete). */
        @WithDefault("1h")
        String dedupeCleanupEvery();

        /**
         * Group commit: requests that arrive while this instance's intake transactions are busy are applied
         * together, in one transaction of at most this many events (a larger request goes alone).
         */
        @WithDefault("1000")
        int groupEvents();

        /**
         * How many intake transactions one instance runs at once; further requests wait and are grouped.
         * Fewer means larger groups (less work per event); more lets one instance use more database cores.
         */
        @WithDefault("2")
        int concurrentGroups();
    }

    interface Sources {
        /** {@code POST /api/v1/sources/segment}, for Segment's and RudderStack's webhook destinations. */
        Segment segment();

        interface Segment {
            /**
             * When set, every call must carry {@code X-Signature}: the hex HMAC-SHA1 of the body with this
             * secret, as Segment's webhook destinations sign with their "shared secret".
             */
            Optional<String> sharedSecret();

            /** {@code identify} calls with only an {@code anonymousId}: {@code ignore} (counted) or {@code use} it as the user id. */
            @WithDefault("ignore")
            dev.segments.source.SegmentCalls.AnonymousIds anonymousIds();
        }
    }

    interface Instances {
        /** How often this instance reports that it is alive and looks for compute jobs of instances that stopped. */
        @WithDefault("10s")
        String heartbeat();

        /**
         * An instance silent for this long is taken for stopped: its full computes are run again by
         * another instance and its incremental job rows are marked failed. Keep it well above the heartbeat.
         */
        @WithDefault("60s")
        Duration deadAfter();
    }

    /** Logins, sessions, API tokens and the first admin. */
    Auth auth();

    interface Incremental {
        /** How often the dirty-user pass runs, e.g. {@code 30s}; {@code off} disables the schedule. */
        @WithDefault("30s")
        String every();

        /**
         * Users claimed per transaction by the dirty-user pass. An event for a claimed user waits for
         * the batch to commit (about 100–150 ms for 10,000 users on two cores).
         */
        @WithDefault("10000")
        int batchSize();

    }

    interface Compute {
        /** Full computes of different segments run at the same time (each one is a single SQL statement). */
        @WithDefault("2")
        int parallelism();
    }

    interface TimeDependent {
        /**
         * How often segments using {@code within_last} or {@code more_than_ago} (and the segments
         * referencing them) are recomputed, e.g. {@code 5m}; {@code off} disables the schedule.
         */
        @WithDefault("5m")
        String every();
    }

    interface Sweep {
        /** Cron expression (Quartz syntax) of the nightly full recompute; {@code off} disables it. */
        @WithDefault("0 30 3 * * ?")
        String cron();
    }

    interface Embedded {
        /** Data directory of the embedded PostgreSQL; it survives restarts. */
        @WithDefault(".segments-data/postgres")
        String dataDir();
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

        /** Largest body of a JSON request under {@code /api}; a bigger one is refused with 413. */
        @WithDefault("10M")
        io.quarkus.runtime.configuration.MemorySize jsonBody();

        /**
         * Largest body of {@code POST /api/v1/users/import} (NDJSON); a bigger one is refused with 413.
         * {@code quarkus.http.limits.max-body-size} must be at least this large.
         */
        @WithDefault("512M")
        io.quarkus.runtime.configuration.MemorySize importBody();

        /**
         * Requests per second one API token or login session may make, on average (a token bucket per
         * instance: with N instances behind a balancer a client may get up to N times this); {@code 0}
         * turns the limit off. Over it the answer is 429 with {@code Retry-After}.
         */
        @WithDefault("100")
        double requestsPerSecond();

        /** Requests a token or session may make at once after being idle (the bucket's size). */
        @WithDefault("200")
        int burst();
    }

    interface Auth {
        /** User name of the first admin, created at start when no account has this name. */
        @WithDefault("admin")
        String adminUsername();

        /**
         * Password of the first admin (env {@code SEGMENTS_AUTH_ADMIN_PASSWORD}), used only to create that
         * account; there is no default. In dev mode without it, a random one is set at every start and shown.
         */
        Optional<String> adminPassword();

        /**
         * An API token of the first admin (env {@code SEGMENTS_AUTH_ADMIN_TOKEN}, at least 16 characters),
         * stored hashed at start: for automation that needs a token before anyone logged in.
         */
        Optional<String> adminToken();

        /** Mark the session cookie {@code Secure} (browsers still accept it on http://localhost). */
        @WithDefault("true")
        boolean secureCookie();

        /** A session unused for this long ends. */
        @WithDefault("2h")
        Duration sessionIdle();

        /** A session ends this long after the login, used or not. */
        @WithDefault("12h")
        Duration sessionMax();

        /** Failed logins in a row for one user name before it is locked ({@code login-lockout}). */
        @WithDefault("5")
        int loginFailures();

        /** How long a user name is locked after {@code login-failures} failures; doubled with each further failure. */
        @WithDefault("30s")
        Duration loginLockout();

        /** The longest lock of a user name. */
        @WithDefault("15m")
        Duration loginLockoutMax();
    }

    interface Alerts {
        /** How often segments are checked for a compute older than their threshold (one instance at a time); {@code off} disables it. */
        @WithDefault("5m")
        String staleCheckEvery();

        /** How often tripped alerts that have a destination are handed to the notifier; {@code off} disables it. */
        @WithDefault("10s")
        String notifyEvery();
    }

    interface Estimate {
        /** Sample size of an estimate when the request names none, in percent of the users. */
        @WithDefault("1")
        double defaultSamplePercent();

        /** Below this many users an estimate counts exactly instead of sampling. */
        @WithDefault("100000")
        long exactBelowPopulation();

        /** A sample that matched fewer users than this is replaced by an exact count. */
        @WithDefault("100")
        long exactBelowMatches();

        /** Statement timeout of one estimate, preview or autocomplete query. */
        @WithDefault("10s")
        Duration timeout();

        /** Estimate answers kept per instance (least recently used go first). */
        @WithDefault("1000")
        int cacheSize();

        /** How long a cached estimate may be reused even if no data change was seen. */
        @WithDefault("10m")
        Duration cacheTtl();

        /** Users read (at most, a Bernoulli sample) to rank an attribute's values for autocomplete. */
        @WithDefault("20000")
        int valueSampleUsers();
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

        /**
         * Whether webhook URLs may point at loopback, link-local, private, unspecified or multicast
         * addresses (off by default: a webhook must not reach into the server's own network).
         */
        @WithDefault("false")
        boolean allowPrivateWebhooks();

        /**
         * Hosts (exact names) and address ranges (CIDR like {@code 10.1.0.0/16}, or single addresses)
         * that webhooks may reach even though they are private.
         */
        Optional<List<String>> webhookAllowedHosts();
    }
}
