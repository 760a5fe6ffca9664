package dev.segments.auth;

/** Paths of this application: which ones are pages, and which {@code next} targets are safe to redirect to. */
public final class LocalPath {

    private LocalPath() {
    }

    /** Pages are everything but the API, the platform endpoints and static files. */
    public static boolean isPage(String path) {
        return !(path.startsWith("/api/") || path.startsWith("/q/") || path.startsWith("/webjars/")
                || path.startsWith("/css/") || path.startsWith("/js/"));
    }

    /**
     * {@code next} if it is a path on this server ({@code /segments?x=1}), else {@code /}: never another
     * host ({@code //evil}, {@code /\evil}, {@code https://...}), never back to the login page.
     */
    public static String orRoot(String next) {
        if (next == null || next.isEmpty() || next.length() > 2000 || next.charAt(0) != '/' || next.startsWith("//")
                || next.startsWith("/\\") || next.startsWith("/login") || next.startsWith("/logout")) {
            return "/";
        }
        for (int i = 0; i < next.length(); i++) {
            char c = next.charAt(i);
            if (c < 0x21 || c == 0x7f || c == '\\') {
                return "/";
            }
        }
        return next;
    }
}
