package dev.segments.export;

import com.fasterxml.jackson.databind.JsonNode;
import dev.segments.api.RequestFields;
import dev.segments.config.SegmentsConfig;
import dev.segments.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** Validates and stores destinations; creates the webhook signing secret. */
@ApplicationScoped
public class DestinationService {

    private static final Set<String> FIELDS = Set.of("name", "type", "path", "url", "batch_size", "timeout_ms", "max_attempts");

    private final Pool pool;
    private final DestinationStore store;
    private final SegmentsConfig config;
    private final WebhookGuard guard;

    public DestinationService(Pool pool, DestinationStore store, SegmentsConfig config, WebhookGuard guard) {
        this.pool = pool;
        this.store = store;
        this.config = config;
        this.guard = guard;
    }

    /** The directory every directory destination must lie under. */
    public Path root() {
        return Path.of(config.exports().root()).toAbsolutePath().normalize();
    }

    /** Creates a destination; a webhook's answer is the only one that ever shows its secret. */
    public Uni<Destination> create(JsonNode body) {
        Destination destination = parse(body);
        return checkUrl(destination).chain(() -> pool.withTransaction(conn -> store.insert(conn, destination)))
                .onFailure(PgException.class).transform(e -> "23505".equals(((PgException) e).getSqlState())
                        ? ProblemException.conflict("/name", "a destination named \"" + destination.name() + "\" already exists")
                        : e)
                .map(Destination::withSecretShown);
    }

    /** A webhook URL must not reach into the server's own network; resolving its host may block, so off the event loop. */
    private Uni<Void> checkUrl(Destination destination) {
        if (!destination.isWebhook()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().item(() -> guard.refusal(destination.url()))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .chain(refusal -> refusal.isPresent()
                        ? Uni.createFrom().failure(ProblemException.badRequest("/url", refusal.get()))
                        : Uni.createFrom().voidItem());
    }

    public Uni<Destination> get(long id) {
        return pool.withConnection(conn -> store.find(conn, id))
                .map(found -> found.orElseThrow(() -> ProblemException.notFound("destination " + id)));
    }

    public Uni<List<Destination>> page(long after, int limit) {
        return pool.withConnection(conn -> store.page(conn, after, limit));
    }

    public Uni<Void> delete(long id) {
        return pool.withTransaction(conn -> store.delete(conn, id))
                .chain(deleted -> deleted ? Uni.createFrom().voidItem()
                        : Uni.createFrom().failure(ProblemException.notFound("destination " + id)));
    }

    private Destination parse(JsonNode body) {
        RequestFields fields = new RequestFields(body, FIELDS);
        String name = fields.text("name", true, 255);
        String type = fields.text("type", true, 20);
        var exports = config.exports();
        if (Destination.DIRECTORY.equals(type)) {
            String path = directory(fields, fields.text("path", true, 4096));
            for (String webhookOnly : List.of("url", "batch_size", "timeout_ms", "max_attempts")) {
                if (body.has(webhookOnly)) {
                    fields.error(webhookOnly, webhookOnly + " applies to webhook destinations only");
                }
            }
            fields.done();
            return new Destination(0, name, type, path, null, null, null, null, null, null, null);
        }
        if (Destination.WEBHOOK.equals(type)) {
            String url = url(fields, fields.text("url", true, 2048));
            if (body.has("path")) {
                fields.error("path", "path applies to directory destinations only");
            }
            Integer batchSize = fields.integer("batch_size", 1, 100_000, exports.batchSize());
            Integer timeoutMs = fields.integer("timeout_ms", 100, 300_000, (int) exports.timeout().toMillis());
            Integer maxAttempts = fields.integer("max_attempts", 1, 100, exports.maxAttempts());
            fields.done();
            return new Destination(0, name, type, null, url, WebhookSigner.newSecret(), batchSize, timeoutMs, maxAttempts,
                    null, null);
        }
        if (type != null) {
            fields.error("type", "type must be \"directory\" or \"webhook\"");
        }
        fields.done();
        throw new IllegalStateException("unreachable: a missing type is reported above");
    }

    /** An absolute, normalized path under the configured root (no {@code .} or {@code ..} segments). */
    private String directory(RequestFields fields, String raw) {
        if (raw == null) {
            return null;
        }
        Path path;
        try {
            path = Path.of(raw);
        } catch (InvalidPathException e) {
            fields.error("path", "path is not a valid path: " + e.getReason());
            return null;
        }
        if (!path.isAbsolute()) {
            fields.error("path", "path must be absolute");
        } else if (!path.normalize().equals(path) || raw.contains("/./") || raw.endsWith("/.")) {
            fields.error("path", "path must not contain \".\" or \"..\" segments");
        } else if (!path.startsWith(root())) {
            fields.error("path", "path must lie under the exports root " + root() + " (segments.exports.root)");
        }
        return path.toString();
    }

    private static String url(RequestFields fields, String raw) {
        if (raw == null) {
            return null;
        }
        try {
            URI uri = new URI(raw);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                fields.error("url", "url must be an absolute http or https URL with a host");
            }
        } catch (URISyntaxException e) {
            fields.error("url", "url is not a valid URL: " + e.getReason());
        }
        return raw;
    }
}
