package dev.segments.export;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * Where exports go: a directory on the server, or a webhook. The signing secret is only ever
 * serialized in the answer that created the destination ({@link #withSecretShown()}).
 */
public record Destination(long id, String name, String type, String path, String url,
        @JsonIgnore String secret, Integer batchSize, Integer timeoutMs, Integer maxAttempts, Instant createdAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("secret") String shownSecret) {

    public static final String DIRECTORY = "directory";
    public static final String WEBHOOK = "webhook";

    public boolean isWebhook() {
        return WEBHOOK.equals(type);
    }

    @JsonProperty("secret_hint")
    public String secretHint() {
        return secret == null ? null : WebhookSigner.hint(secret);
    }

    /** The same destination with its secret visible: for the creation answer only. */
    public Destination withSecretShown() {
        return new Destination(id, name, type, path, url, secret, batchSize, timeoutMs, maxAttempts, createdAt, secret);
    }
}
