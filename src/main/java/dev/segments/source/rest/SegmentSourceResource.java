package dev.segments.source.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segments.config.SegmentsConfig;
import dev.segments.problem.Problem;
import dev.segments.problem.ProblemException;
import dev.segments.source.SegmentCalls;
import dev.segments.source.SegmentSource;
import dev.segments.source.SegmentSource.Report;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Segment-Spec calls from Segment's and RudderStack's webhook destinations (docs/intake.md says how to
 * point each at this endpoint). 200 with counts when every call was taken; 400 problem details naming
 * each rejected call by pointer when some were not, with the same counts: the valid calls of the batch
 * are applied all the same.
 */
@Path("/api/v1/sources/segment")
public class SegmentSourceResource {

    private final SegmentSource source;
    private final SegmentsConfig config;
    private final ObjectMapper json;

    public SegmentSourceResource(SegmentSource source, SegmentsConfig config, ObjectMapper json) {
        this.source = source;
        this.config = config;
        this.json = json;
    }

    @POST
    @Consumes({MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN, MediaType.WILDCARD})
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    public Uni<Response> post(byte[] body, @HeaderParam("X-Signature") String signature) {
        checkSignature(body, signature);
        List<SegmentCalls.Call> calls = SegmentCalls.parse(read(body), config.limits().eventsPerRequest(),
                config.sources().segment().anonymousIds());
        return source.apply("segment", calls).map(SegmentSourceResource::answer);
    }

    private JsonNode read(byte[] body) {
        try {
            return json.readTree(body);
        } catch (JsonProcessingException e) {
            throw ProblemException.badRequest("", "the body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ProblemException.badRequest("", "the body could not be read");
        }
    }

    private void checkSignature(byte[] body, String signature) {
        if (config.sources().segment().sharedSecret().isEmpty()) {
            return;
        }
        byte[] expected = hmacSha1(config.sources().segment().sharedSecret().get(), body);
        byte[] given;
        try {
            given = signature == null ? new byte[0] : HexFormat.of().parseHex(signature.trim().toLowerCase());
        } catch (IllegalArgumentException e) {
            given = new byte[0];
        }
        if (!MessageDigest.isEqual(expected, given)) {
            throw new ProblemException(401, "Unauthorized",
                    "X-Signature must be the hex HMAC-SHA1 of the body with the source's shared secret", List.of());
        }
    }

    private static byte[] hmacSha1(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Response answer(Report report) {
        Map<String, Object> body = new LinkedHashMap<>();
        int status = report.rejected() == 0 ? 200 : 400;
        if (status == 400) {
            body.put("type", "about:blank");
            body.put("title", "Bad request");
            body.put("status", 400);
            body.put("detail", report.rejected() + " of " + report.received() + " calls were rejected (see errors); "
                    + "the other calls were taken: identify calls listed in applied_calls were applied");
            body.put("errors", report.errors());
        }
        body.put("received", report.received());
        body.put("applied", report.applied());
        body.put("duplicates", report.duplicates());
        body.put("ignored", report.ignored());
        body.put("rejected", report.rejected());
        body.put("joined", report.joined());
        body.put("left", report.left());
        if (status == 400) {
            body.put("applied_calls", report.appliedCalls());
        }
        return Response.status(status).type(status == 200 ? MediaType.APPLICATION_JSON : Problem.MEDIA_TYPE)
                .entity(body).build();
    }
}
