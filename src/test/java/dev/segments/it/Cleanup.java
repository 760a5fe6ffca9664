package dev.segments.it;

/** Closes what a test started (apps first, then connections, then the database), skipping what never started. */
final class Cleanup {

    private Cleanup() {
    }

    static void closeAll(AutoCloseable... resources) throws Exception {
        Exception first = null;
        for (AutoCloseable resource : resources) {
            try {
                if (resource != null) {
                    resource.close();
                }
            } catch (Exception e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
