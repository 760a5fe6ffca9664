package dev.segments.demo;

/** Synthetic users with realistic, skewed attributes, generated inside PostgreSQL in one statement. */
final class DemoUsers {

    private DemoUsers() {
    }

    /** $1 = number of users. Every random() is correlated with g so that it is drawn per row. */
    static final String INSERT = """
            INSERT INTO user_attribute_snapshot (user_id, attributes, attribute_times)
            SELECT g, jsonb_strip_nulls(jsonb_build_object(
                'country', (ARRAY['US','US','US','US','GB','GB','DE','FR','CA','BR','IN','JP','AU','ES','MX','NL'])
                           [1 + floor(random() * 16)::int],
                'account_tier', (ARRAY['free','free','free','free','basic','basic','premium','enterprise'])
                           [1 + floor(random() * 8)::int],
                'lifetime_value', round((power(random(), 3) * 2500)::numeric, 2),
                'account_age_days', a.age,
                'signup_date', to_char(current_date - a.age, 'YYYY-MM-DD'),
                'referral_source', CASE WHEN random() < 0.15 THEN NULL
                           ELSE (ARRAY['organic','organic','ads','partner','referral','social','email'])
                                [1 + floor(random() * 7)::int] END,
                'platform', (ARRAY['ios','android','android','web','web'])[1 + floor(random() * 5)::int],
                'tags', to_jsonb(ARRAY(SELECT t FROM unnest(ARRAY['beta','vip','newsletter','churn_risk','power_user']) t
                                      WHERE random() < 0.18 + g * 0)),
                'email_opt_in', random() < 0.62,
                'sessions_30d', floor(power(random(), 2) * 90)::int,
                'language', (ARRAY['en','en','en','de','fr','es','pt','ja'])[1 + floor(random() * 8)::int],
                'last_purchase_days_ago', CASE WHEN random() < 0.35 THEN NULL ELSE floor(random() * 400)::int END,
                'age', 18 + floor(random() * 55)::int,
                'orders_count', floor(power(random(), 2) * 40)::int,
                'plan', CASE WHEN random() < 0.5 THEN 'monthly' ELSE 'annual' END
            )), '{}'::jsonb
            FROM generate_series(1, $1) AS g,
                 LATERAL (SELECT floor(random() * 1500 + g * 0)::int AS age) a
            ON CONFLICT (user_id) DO NOTHING""";
}
