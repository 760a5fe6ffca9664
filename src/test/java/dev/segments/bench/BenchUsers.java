package dev.segments.bench;

/**
 * SQL that fills the snapshot table with synthetic users (15 attributes with skewed, realistic
 * distributions) in one statement, and SQL that changes some of them the way a bulk update would.
 * User ids are {@code firstId + 1 .. firstId + n}, so a benchmark never collides with other tests.
 */
final class BenchUsers {

    private BenchUsers() {
    }

    /** Attribute values the generated users draw from; the segment generator uses the same pools. */
    static final String[] COUNTRIES = {"US", "US", "US", "GB", "GB", "DE", "DE", "FR", "CA", "BR", "IN", "JP", "AU", "ES", "MX", "NL"};
    static final String[] TIERS = {"free", "free", "free", "basic", "basic", "premium", "enterprise"};
    static final String[] SOURCES = {"organic", "organic", "ads", "partner", "referral", "social", "email"};
    static final String[] PLATFORMS = {"ios", "android", "android", "web", "web"};
    static final String[] TAGS = {"beta", "vip", "newsletter", "churn_risk", "power_user"};
    static final String[] LANGUAGES = {"en", "en", "en", "de", "fr", "es", "pt", "ja"};
    static final String[] APP_VERSIONS = {"4.9.2", "5.0.0", "5.1.3", "5.2.0", "5.2.1", "6.0.0"};

    /**
     * $1 = number of users, $2 = first id - 1, $3..$9 = the value pools ({@link #pools()}). Each
     * random() is tied to g so that it is drawn per row.
     */
    static final String INSERT = """
            INSERT INTO user_attribute_snapshot (user_id, attributes)
            SELECT $2::bigint + g, jsonb_strip_nulls(jsonb_build_object(
                'country', pick($3::text[], random()),
                'account_tier', pick($4::text[], random()),
                'lifetime_value', round((power(random(), 3) * 2500)::numeric, 2),
                'account_age_days', a.age,
                'signup_date', to_char(current_date - a.age, 'YYYY-MM-DD'),
                'referral_source', CASE WHEN random() < 0.15 THEN NULL ELSE pick($5::text[], random()) END,
                'platform', pick($6::text[], random()),
                'tags', to_jsonb(ARRAY(SELECT t FROM unnest($7::text[]) t WHERE random() < 0.2 + g * 0)),
                'email_opt_in', random() < 0.6,
                'sessions_30d', floor(power(random(), 2) * 90)::int,
                'language', pick($8::text[], random()),
                'last_purchase_days_ago', CASE WHEN random() < 0.3 THEN NULL ELSE floor(random() * 400)::int END,
                'age', 18 + floor(random() * 57)::int,
                'orders_count', floor(power(random(), 2) * 40)::int,
                'app_version', CASE WHEN random() < 0.25 THEN NULL ELSE pick($9::text[], random()) END
            ))
            FROM generate_series(1, $1::int) AS g,
                 LATERAL (SELECT floor(random() * 1500 + g * 0)::int AS age) a
            """.replace("pick(", "bench_pick(");

    /** A helper for {@link #INSERT}: element {@code floor(r * length)} of the array (r in [0, 1)). */
    static final String CREATE_PICK = """
            CREATE OR REPLACE FUNCTION bench_pick(a text[], r float8) RETURNS text
            LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT a[1 + floor(r * cardinality(a))::int]'""";

    static Object[] pools() {
        return new Object[] {COUNTRIES, TIERS, SOURCES, PLATFORMS, TAGS, LANGUAGES, APP_VERSIONS};
    }

    /**
     * $1 = user ids, $2 = account tiers: changes three attributes that many segments use in the
     * snapshot itself and flags the users for the dirty-user pass with a copy of their new attributes
     * (V16), as a bulk update outside the event API would.
     */
    static final String CHANGE_AND_MARK_DIRTY = """
            WITH changed AS (
                UPDATE user_attribute_snapshot SET updated_at = now(), attributes = attributes || jsonb_build_object(
                    'sessions_30d', floor(random() * 90)::int,
                    'lifetime_value', round((random() * 2500)::numeric, 2),
                    'account_tier', ($2::text[])[1 + floor(random() * cardinality($2::text[]))::int])
                WHERE user_id = ANY($1::bigint[])
                RETURNING user_id, attributes
            )
            INSERT INTO dirty_user (user_id, seq, attributes)
            SELECT user_id, nextval('dirty_user_seq'), attributes::text FROM changed
            ON CONFLICT (user_id) DO UPDATE SET seq = EXCLUDED.seq, marked_at = now(), attributes = EXCLUDED.attributes
            """;

    /** The physical limit of a full compute: one read of every attribute document. */
    static final String READ_ALL = "SELECT sum(length(attributes::text)) FROM user_attribute_snapshot";
}
