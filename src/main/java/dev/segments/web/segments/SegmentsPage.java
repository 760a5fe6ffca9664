package dev.segments.web.segments;

import dev.segments.web.Hx;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The segments list, the start page of the admin UI: filtered by name, 25 per page by name. An htmx
 * request (the filter box) gets only the results fragment.
 */
@Path("/segments")
@Produces(MediaType.TEXT_HTML)
public class SegmentsPage {

    static final int PAGE_SIZE = 25;
    /** Sent by htmx when it reloads a page for the back button: that needs the whole page, not the fragment. */
    static final String HISTORY_RESTORE = "HX-History-Restore-Request";

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance list(SegmentPage page);

        static native TemplateInstance list$results(SegmentPage page);
    }

    private final SegmentRows rows;
    private final Pool pool;

    public SegmentsPage(SegmentRows rows, Pool pool) {
        this.rows = rows;
        this.pool = pool;
    }

    @GET
    public Uni<TemplateInstance> list(@QueryParam("q") String q, @QueryParam("after") String after,
            @QueryParam("before") String before, @Context HttpHeaders headers) {
        String filter = blankToNull(q);
        String from = blankToNull(after);
        String until = from == null ? blankToNull(before) : null;
        return pool.withConnection(conn -> rows.page(conn, filter, from, until, PAGE_SIZE + 1))
                .map(found -> SegmentPage.of(filter, found, from, until, PAGE_SIZE))
                .map(page -> Hx.isHtmx(headers) && !"true".equals(headers.getHeaderString(HISTORY_RESTORE))
                        ? Templates.list$results(page) : Templates.list(page));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** What one page shows, with the cursors of its neighbours (null: none). */
    public record SegmentPage(String filter, List<SegmentRow> segments, String previousBefore, String nextAfter) {

        static SegmentPage of(String filter, List<SegmentRow> found, String after, String before, int size) {
            boolean more = found.size() > size;
            List<SegmentRow> shown;
            if (before != null) {
                shown = more ? found.subList(found.size() - size, found.size()) : found;
            } else {
                shown = more ? found.subList(0, size) : found;
            }
            boolean hasPrevious = before != null ? more : after != null;
            boolean hasNext = before != null || more;
            String previous = hasPrevious && !shown.isEmpty() ? shown.get(0).name() : null;
            String next = hasNext && !shown.isEmpty() ? shown.get(shown.size() - 1).name() : null;
            return new SegmentPage(filter, List.copyOf(shown), previous, next);
        }

        public String query() {
            return filter == null ? "" : filter;
        }

        public String previousHref() {
            return previousBefore == null ? null : href("before", previousBefore);
        }

        public String nextHref() {
            return nextAfter == null ? null : href("after", nextAfter);
        }

        private String href(String cursor, String name) {
            String link = "/segments?" + cursor + "=" + URLEncoder.encode(name, StandardCharsets.UTF_8);
            return filter == null ? link : link + "&q=" + URLEncoder.encode(filter, StandardCharsets.UTF_8);
        }
    }
}
