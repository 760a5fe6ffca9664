package dev.segments.web.jobs;

import dev.segments.compute.IncrementalPass;
import dev.segments.compute.IncrementalResult;
import dev.segments.compute.Trigger;
import dev.segments.kafka.ConsumerLag;
import dev.segments.segment.SegmentService;
import dev.segments.web.Hx;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * Recent compute jobs of every segment, and the buttons that start the incremental pass or a full
 * recompute now (the same service calls as the JSON API). While a job runs, the table polls every
 * 2 s; the poll answers {@value Hx#STOP_POLLING} once none is running. With the Kafka intake on, a
 * section shows the consumer group's lag per partition (the latest reading of {@link ConsumerLag}).
 */
@Path("/jobs")
@Produces(MediaType.TEXT_HTML)
public class JobsPage {

    static final int PAGE_SIZE = 25;
    static final String CHANGED = "jobs-changed";

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance list(JobPage page, ConsumerLag.Report kafka);

        static native TemplateInstance list$table(JobPage page);

        static native TemplateInstance incremental(IncrementalResult result);

        static native TemplateInstance queued(List<Long> jobIds);
    }

    /** One page of jobs; {@code before}: the cursor of this page (null: the newest). */
    public record JobPage(List<JobRow> jobs, boolean anyRunning, Long before, Long olderBefore) {

        public String pollUrl() {
            return before == null ? "/jobs/table" : "/jobs/table?before=" + before;
        }
    }

    private final JobRows rows;
    private final Pool pool;
    private final SegmentService segments;
    private final IncrementalPass incremental;
    private final ConsumerLag kafkaLag;

    public JobsPage(JobRows rows, Pool pool, SegmentService segments, IncrementalPass incremental, ConsumerLag kafkaLag) {
        this.rows = rows;
        this.pool = pool;
        this.segments = segments;
        this.incremental = incremental;
        this.kafkaLag = kafkaLag;
    }

    @GET
    public Uni<TemplateInstance> list(@QueryParam("before") String before) {
        return page(cursor(before)).map(page -> Templates.list(page, kafkaLag.report()));
    }

    /** The table alone: for the 2 s poll and after a button. */
    @GET
    @Path("/table")
    public Uni<Response> table(@QueryParam("before") String before) {
        return page(cursor(before)).chain(page -> Templates.list$table(page).createUni()
                .map(html -> Response.status(page.anyRunning() ? 200 : Hx.STOP_POLLING)
                        .type(MediaType.TEXT_HTML_TYPE).entity(html).build()));
    }

    @POST
    @Path("/incremental")
    public Uni<Response> runIncremental() {
        return incremental.run(Trigger.MANUAL).chain(result -> Templates.incremental(result).createUni())
                .map(JobsPage::changed);
    }

    @POST
    @Path("/full")
    public Uni<Response> runFull() {
        return segments.computeAll(Trigger.MANUAL).chain(ids -> Templates.queued(ids).createUni())
                .map(JobsPage::changed);
    }

    private static Response changed(String html) {
        return Response.ok(html, MediaType.TEXT_HTML_TYPE).header(Hx.TRIGGER, CHANGED).build();
    }

    private Uni<JobPage> page(Long before) {
        return pool.withConnection(conn -> rows.newest(conn, before == null ? Long.MAX_VALUE : before, PAGE_SIZE + 1)
                .chain(found -> rows.anyRunning(conn).map(running -> {
                    boolean more = found.size() > PAGE_SIZE;
                    List<JobRow> shown = more ? List.copyOf(found.subList(0, PAGE_SIZE)) : found;
                    return new JobPage(shown, running, before, more ? shown.get(shown.size() - 1).id() : null);
                })));
    }

    private static Long cursor(String raw) {
        try {
            long value = raw == null || raw.isBlank() ? 0 : Long.parseLong(raw.trim());
            return value > 0 ? value : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
