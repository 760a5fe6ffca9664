package dev.segments.compute;

/**
 * An order-independent fingerprint of a set of user ids: its size, the sum of the ids and the sum of
 * their PostgreSQL {@code hashint8} values (sums wrap modulo 2^64). Computed the same way over the
 * evaluated members in Java and over the open memberships in SQL; two sets with equal fingerprints
 * are taken as equal (a different set matches by chance with a probability around 2^-32 or less).
 */
final class Fingerprint {

    long count;
    long idSum;
    long hashSum;

    void add(long userId) {
        count++;
        idSum += userId;
        hashSum += PgHash.hashint8(userId);
    }

    void add(Fingerprint other) {
        count += other.count;
        idSum += other.idSum;
        hashSum += other.hashSum;
    }

    boolean matches(long count, long idSum, long hashSum) {
        return this.count == count && this.idSum == idSum && this.hashSum == hashSum;
    }
}
