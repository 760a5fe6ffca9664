package dev.segments.web.builder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segments.estimate.EstimateRequest;
import dev.segments.estimate.EstimateService;
import dev.segments.estimate.PreviewService;
import dev.segments.problem.Problem.FieldError;
import dev.segments.problem.ProblemException;
import dev.segments.rule.RuleException;
import dev.segments.segment.SegmentRequest;
import dev.segments.segment.SegmentService;
import dev.segments.segment.SegmentStore;
import dev.segments.segment.SegmentView;
import dev.segments.web.Hx;
import dev.segments.web.segment.SegmentPage;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;

/**
 * The rule builder (new and edit): the rule tree as nested groups, edited through htmx. Structural
 * edits redraw the tree; value edits only ask for a new estimate, whose answer fills the estimate
 * panel and, out of band, the count and errors beside each node. Save goes through the same
 * {@link SegmentService} as the JSON API.
 */
@Path("/segments")
@Produces(MediaType.TEXT_HTML)
public class BuilderPage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance edit(BuilderModel model, NodeView root, EstimatePanel panel, String nameError,
                boolean oob);

        static native TemplateInstance edit$tree(NodeView root, String nameError, boolean oob);

        static native TemplateInstance edit$estimate(EstimatePanel panel);

        static native TemplateInstance values(List<String> values);
    }

    private final BuilderData data;
    private final SegmentStore store;
    private final SegmentService segments;
    private final EstimateService estimates;
    private final PreviewService previews;
    private final Pool pool;
    private final ObjectMapper mapper;

    public BuilderPage(BuilderData data, SegmentStore store, SegmentService segments, EstimateService estimates,
            PreviewService previews, Pool pool, ObjectMapper mapper) {
        this.data = data;
        this.store = store;
        this.segments = segments;
        this.estimates = estimates;
        this.previews = previews;
        this.pool = pool;
        this.mapper = mapper;
    }

    @GET
    @Path("/new")
    public Uni<TemplateInstance> create() {
        return data.choices(0, null).map(choices -> {
            BuilderTree tree = BuilderTree.starter(choices.firstAttribute());
            return page(new BuilderModel(null, "", ""), tree, choices);
        }).chain(page -> page);
    }

    @GET
    @Path("/{id}/edit")
    public Uni<Response> edit(@PathParam("id") String id) {
        long segmentId;
        try {
            segmentId = Long.parseLong(id);
        } catch (NumberFormatException e) {
            return Uni.createFrom().item(SegmentPage.notFoundPage("segment " + id));
        }
        return pool.withConnection(conn -> store.find(conn, segmentId)).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(SegmentPage.notFoundPage("segment " + segmentId));
            }
            SegmentView segment = found.get();
            BuilderTree tree = RuleJson.load(segment.rules());
            return data.choices(segmentId, tree).chain(choices -> page(
                    new BuilderModel(segment.id(), segment.name(), nullToEmpty(segment.description())), tree, choices))
                    .map(page -> Response.ok(page).build());
        });
    }

    /** A structural edit (add, remove, move, or a new attribute/operator/logic): the tree is drawn again. */
    @POST
    @Path("/builder/tree")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> tree(@QueryParam("action") String action, @QueryParam("at") String at,
            MultivaluedMap<String, String> form) {
        BuilderTree tree = BuilderTree.fromForm(form);
        return data.choices(selfId(form), tree).chain(choices -> {
            tree.apply(action == null ? "refresh" : action, at == null ? BuilderTree.ROOT : at, choices.firstAttribute(),
                    choices.firstSegment());
            return data.withTypes(choices, tree);
        }).map(choices -> treeResponse(choices.view(tree, Map.of()), "", false));
    }

    /** Autocomplete values for the condition at {@code path} (its attribute comes from the included select). */
    @GET
    @Path("/builder/values")
    public Uni<TemplateInstance> values(@QueryParam("path") String path, @Context jakarta.ws.rs.core.UriInfo uri) {
        String attribute = path == null ? null : uri.getQueryParameters().getFirst(path + ".attr");
        if (attribute == null || attribute.isEmpty()) {
            return Uni.createFrom().item(Templates.values(List.of()));
        }
        return data.values(attribute).map(Templates::values);
    }

    /** Loads pasted JSON into the tree; JSON that does not parse is reported under the text box. */
    @POST
    @Path("/builder/load")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> load(MultivaluedMap<String, String> form) {
        String text = form.getFirst("json");
        JsonNode json;
        try {
            json = mapper.readTree(text == null ? "" : text);
        } catch (Exception e) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            return Uni.createFrom().item(Response.ok("<div class=\"error\" id=\"err-paste\" hx-swap-oob=\"true\">"
                    + "That is not a JSON object: paste the value of \"rules\", e.g. {\"operator\": \"AND\", …}</div>")
                    .header("HX-Reswap", "none").build());
        }
        JsonNode rule = json.has("rules") ? json.get("rules") : json;
        BuilderTree tree = RuleJson.load(rule);
        return data.choices(selfId(form), tree).chain(choices -> data.withTypes(choices, tree))
                .map(choices -> treeResponse(choices.view(tree, Map.of()), "", false));
    }

    @POST
    @Path("/builder/estimate")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<TemplateInstance> estimate(MultivaluedMap<String, String> form) {
        BuilderTree tree = BuilderTree.fromForm(form);
        long self = selfId(form);
        return data.choices(self, tree).chain(choices -> {
            RuleJson rule = RuleJson.of(tree, choices.attributes());
            ObjectNode body = mapper.createObjectNode();
            body.set("rules", rule.json());
            body.put("per_node", true);
            String json = pretty(rule.json());
            EstimateRequest request;
            try {
                request = EstimateRequest.from(body, true, estimates.defaultSamplePercent());
            } catch (ProblemException e) {
                return Uni.createFrom().item(invalid(tree, rule, e.toProblem().errors(), json));
            }
            // editing: the dry run checks references as saving would, so a reference that makes a cycle is
            // marked at its node while the marketer edits (and an estimate never clears what a save reported)
            return estimates.estimate(request)
                    .chain(estimate -> (self > 0 ? previews.preview(self, request.rule())
                            .onFailure(failure -> !(failure instanceof ProblemException)).recoverWithNull()
                            : Uni.createFrom().<dev.segments.estimate.Preview>nullItem())
                            .map(preview -> Templates.edit$estimate(new EstimatePanel(estimate, preview, List.of(),
                                    NodeMessages.none().slots(tree, rule, estimate), json))))
                    .onFailure(ProblemException.class).recoverWithItem(failure ->
                            invalid(tree, rule, ((ProblemException) failure).toProblem().errors(), json));
        });
    }

    private static TemplateInstance invalid(BuilderTree tree, RuleJson rule, List<FieldError> errors, String json) {
        NodeMessages messages = NodeMessages.ofEstimate(rule, errors);
        return Templates.edit$estimate(new EstimatePanel(null, null, messages.general(), messages.slots(tree, rule, null), json));
    }

    @POST
    @Path("/builder/save")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> save(MultivaluedMap<String, String> form, @Context HttpHeaders headers) {
        BuilderTree tree = BuilderTree.fromForm(form);
        long self = selfId(form);
        return data.choices(self, tree).chain(choices -> {
            RuleJson rule = RuleJson.of(tree, choices.attributes());
            ObjectNode body = mapper.createObjectNode();
            body.put("name", nullToEmpty(form.getFirst("name")).strip());
            String description = nullToEmpty(form.getFirst("description")).strip();
            if (!description.isEmpty()) {
                body.put("description", description);
            }
            body.set("rules", rule.json());
            Uni<SegmentView> saved;
            try {
                SegmentRequest request = SegmentRequest.from(body);
                saved = self > 0 ? segments.update(self, request) : segments.create(request);
            } catch (ProblemException | RuleException e) {
                saved = Uni.createFrom().failure(e);
            }
            return saved.map(segment -> Hx.redirect(headers, "/segments/" + segment.id()))
                    .onFailure(ProblemException.class).recoverWithUni(failure -> data.withTypes(choices, tree)
                            .map(withValues -> {
                                NodeMessages messages = NodeMessages.ofSave(rule, ((ProblemException) failure).toProblem());
                                return Response.ok(Templates.edit$tree(withValues.view(tree, messages.byNode()),
                                        String.join("; ", messages.general()), true)).build();
                            }));
        });
    }

    private Uni<TemplateInstance> page(BuilderModel model, BuilderTree tree, BuilderChoices choices) {
        return data.withTypes(choices, tree).map(withValues -> Templates.edit(model, withValues.view(tree, Map.of()),
                new EstimatePanel(null, null, List.of(), List.of(), ""), "", false));
    }

    private static Response treeResponse(NodeView root, String nameError, boolean oob) {
        return Response.ok(Templates.edit$tree(root, nameError, oob)).header(Hx.TRIGGER, "rule-changed").build();
    }

    private String pretty(JsonNode json) {
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(json);
        } catch (Exception e) {
            return json.toString();
        }
    }

    private static long selfId(MultivaluedMap<String, String> form) {
        try {
            return Long.parseLong(nullToEmpty(form.getFirst("segment_id")).trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String nullToEmpty(String text) {
        return text == null ? "" : text;
    }
}
