package dev.segments.web.segments;

import dev.segments.segment.SegmentStore;
import dev.segments.segment.SegmentView;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** The segments list: the start page of the admin UI. */
@Path("/segments")
@Produces(MediaType.TEXT_HTML)
public class SegmentsPage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance list(List<SegmentView> segments);
    }

    private final SegmentStore store;
    private final Pool pool;

    public SegmentsPage(SegmentStore store, Pool pool) {
        this.store = store;
        this.pool = pool;
    }

    @GET
    public Uni<TemplateInstance> list() {
        return pool.withConnection(conn -> store.page(conn, 0, 100)).map(Templates::list);
    }
}
