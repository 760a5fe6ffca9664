package dev.segments.compute;

/**
 * PostgreSQL's {@code hashint8} (Bob Jenkins' lookup3 final mix over the folded 64-bit value), so
 * that a set of user ids can be fingerprinted identically in Java and in SQL.
 */
final class PgHash {

    private static final int SEED = 0x9e3779b9 + 4 + 3923095;

    private PgHash() {
    }

    static int hashint8(long value) {
        int low = (int) value;
        int high = (int) (value >>> 32);
        low ^= value >= 0 ? high : ~high;
        int a = SEED + low;
        int b = SEED;
        int c = SEED;
        c ^= b;
        c -= Integer.rotateLeft(b, 14);
        a ^= c;
        a -= Integer.rotateLeft(c, 11);
        b ^= a;
        b -= Integer.rotateLeft(a, 25);
        c ^= b;
        c -= Integer.rotateLeft(b, 16);
        a ^= c;
        a -= Integer.rotateLeft(c, 4);
        b ^= a;
        b -= Integer.rotateLeft(a, 14);
        c ^= b;
        c -= Integer.rotateLeft(b, 24);
        return c;
    }
}
