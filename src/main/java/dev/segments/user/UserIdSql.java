package dev.segments.user;

/**
 * SQL that reads external user ids out of internal ones. Only internal ids from {@link UserIds#ALLOCATED_FROM}
 * up have a {@code user_key} row; below, the id is its decimal string. So a query selects
 * {@link #allocated} as an extra nullable column (null for a numeric id: no lookup, no join) and the
 * reader takes {@link #external} of the two.
 */
public final class UserIdSql {

    private UserIdSql() {
    }

    /**
     * The external id of internal id column {@code column} when it is allocated, else NULL: a scalar
     * subquery by {@code user_key}'s primary key, run only for ids of 2^62 and more.
     */
    public static String allocated(String column) {
        return "CASE WHEN " + column + " >= " + UserIds.ALLOCATED_FROM + " THEN (SELECT k.external_id FROM user_key k WHERE k.id = "
                + column + ") END";
    }

    /** The external id of a row: its allocated id's external id, or the internal id as a decimal. */
    public static String external(long internal, String allocated) {
        return allocated != null ? allocated : Long.toString(internal);
    }
}
