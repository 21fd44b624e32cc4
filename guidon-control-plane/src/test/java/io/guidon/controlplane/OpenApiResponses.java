package io.guidon.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks every answer of the control plane's API port against its OpenAPI document (the resource the server serves
 * at {@code GET /api/v1/openapi.json}), so that the document cannot drift from what the server does (ADR 0111).
 * {@link Harness} runs it on every response it receives, so every integration test that talks to a control plane
 * through it (the control plane's ITs and the system tests' {@code ControlPlaneNode}) validates every answer.
 *
 * <p>For an operation of the document: the status is declared for it (or a {@code default}); a status declared
 * without content comes without a body; a body comes with a declared content type and matches that media type's
 * schema (JSON Schema 2020-12, OpenAPI 3.1's dialect), problem+json included (a body of another type, CSV, is only
 * checked to be of a declared type); a header the response declares
 * {@code required} is there. For a path or method under {@code /api/} that the document does not have (the router's
 * own 404 and 405), the answer is a problem+json matching the document's {@code Problem} schema. A compressed body
 * is checked as the JSON it holds when the test hands its bytes ({@link #checkBytes}), else left out.
 *
 * <p>A mismatch is an {@link AssertionError} naming the operation, the request, the status and what does not match,
 * with the JSON Pointer of each schema violation in the body. The validator is networknt's json-schema-validator
 * (ADR 0111 says why not vertx-openapi). Thread-safe: the compiled schemas are cached per media type.
 */
public final class OpenApiResponses {

    /** Where the document is on the class path (the server's own resource). */
    public static final String RESOURCE = "controlplane/openapi.json";
    /** The id the document is loaded under, so that its {@code #/components/...} references resolve within it. */
    private static final String BASE = "https://guidon.io/controlplane/openapi.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode doc;
    private final JsonSchemaFactory factory;
    private final SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().pathType(PathType.JSON_POINTER)
            .formatAssertionsEnabled(true).build();
    private final Map<String, JsonSchema> schemas = new ConcurrentHashMap<>();

    private OpenApiResponses(String text) throws IOException {
        this.doc = JSON.readTree(text);
        // The dialect the server reads the document in, so that its top-level members are no unknown keywords.
        com.networknt.schema.JsonMetaSchema dialect = io.guidon.controlplane.api.ContractValidation.openApiDialect();
        this.factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
                b -> b.metaSchema(dialect).defaultMetaSchemaIri(dialect.getIri())
                        .schemaLoaders(l -> l.schemas(Map.of(BASE, text))));
    }

    /**
     * Loads the document from the class path.
     *
     * @throws IllegalStateException if the document cannot be read
     */
    public static OpenApiResponses load() {
        try (InputStream in = OpenApiResponses.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the class path");
            }
            return new OpenApiResponses(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("the OpenAPI document does not load: " + e, e);
        }
    }

    /** An operation of the document: its id, path template and its JSON Pointer in the document. */
    record Operation(String id, String template, String pointer, JsonNode node) {
    }

    /**
     * Checks one answer.
     *
     * @param method the request's method
     * @param target the request's path and query ({@code /api/v1/flags?limit=2})
     * @param status the answer's status
     * @param headers the answer's headers (names in any case)
     * @param body the answer's body as text ({@code ""} when none)
     * @throws AssertionError if the answer does not match the document
     */
    public void check(String method, String target, int status, Map<String, List<String>> headers, String body) {
        String path = URI.create("http://x" + target).getRawPath();
        if (!path.startsWith("/api/")) {
            return;
        }
        Map<String, String> single = new LinkedHashMap<>();
        headers.forEach((k, v) -> {
            if (k != null && !v.isEmpty()) {
                single.put(k.toLowerCase(Locale.ROOT), v.get(0));
            }
        });
        String contentType = single.get("content-type");
        String mediaType = contentType == null ? null : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        boolean hasBody = body != null && !body.isEmpty();
        Operation op = operation(method, path);
        String where = (op == null ? "(no operation)" : op.id()) + ": " + method + " " + target + " answered "
                + status;
        if (op == null) {
            // The router's own answer (no such path or method): a problem like any other.
            if (!"application/problem+json".equals(mediaType)) {
                throw new AssertionError("OpenAPI " + where + " with Content-Type " + contentType
                        + ", not application/problem+json: " + abbreviate(body));
            }
            validate(where, "/components/schemas/Problem", body);
            return;
        }
        String code = Integer.toString(status);
        JsonNode responses = op.node().path("responses");
        String key = responses.has(code) ? code : responses.has("default") ? "default" : null;
        if (key == null) {
            List<String> declared = new ArrayList<>();
            responses.fieldNames().forEachRemaining(declared::add);
            throw new AssertionError("OpenAPI " + where + ", a status not declared for " + op.id() + " (declared: "
                    + String.join(", ", declared) + "): " + abbreviate(body));
        }
        String responsePointer = op.pointer() + "/responses/" + key;
        JsonNode response = responses.get(key);
        while (response.has("$ref")) {
            responsePointer = response.get("$ref").asText().substring(1);
            response = doc.at(responsePointer);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = response.path("headers").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> h = it.next();
            if (h.getValue().path("required").asBoolean(false)
                    && !single.containsKey(h.getKey().toLowerCase(Locale.ROOT))) {
                throw new AssertionError("OpenAPI " + where + " without the header " + h.getKey() + " that the"
                        + " document requires");
            }
        }
        JsonNode content = response.path("content");
        if (content.isEmpty()) {
            if (hasBody) {
                throw new AssertionError("OpenAPI " + where + " with a body, but the document declares none for "
                        + key + ": " + abbreviate(body));
            }
            return;
        }
        if (mediaType == null || !content.has(mediaType)) {
            List<String> declared = new ArrayList<>();
            content.fieldNames().forEachRemaining(declared::add);
            throw new AssertionError("OpenAPI " + where + " with Content-Type " + contentType + "; the document"
                    + " declares " + declared + " for " + key + ": " + abbreviate(body));
        }
        if (single.containsKey("content-encoding")) {
            return;
        }
        if (mediaType.equals("application/x-ndjson")) {
            // An export: the schema is each line's, and no line (an empty range) is a valid body.
            for (String line : hasBody ? body.split("\n") : new String[0]) {
                if (!line.isEmpty()) {
                    validate(where, responsePointer + "/content/" + escape(mediaType) + "/schema", line);
                }
            }
            return;
        }
        if (!hasBody) {
            throw new AssertionError("OpenAPI " + where + " without a body; the document declares " + mediaType);
        }
        if (!mediaType.endsWith("json")) {
            // A CSV export: its type is declared; its cells are the route's own tests' business.
            return;
        }
        validate(where, responsePointer + "/content/" + escape(mediaType) + "/schema", body);
    }

    /** Checks an answer received with {@code java.net.http}: the request's method and target are the response's. */
    public void check(java.net.http.HttpResponse<String> r) {
        check(r.request().method(), target(r), r.statusCode(), r.headers().map(), r.body());
    }

    /**
     * Checks an answer received as bytes; a gzip body ({@code Content-Encoding: gzip}, the sidecars' document) is
     * checked as the JSON it holds.
     */
    public void checkBytes(java.net.http.HttpResponse<byte[]> r) {
        Map<String, List<String>> headers = new LinkedHashMap<>(r.headers().map());
        byte[] body = r.body();
        if (r.headers().firstValue("Content-Encoding").map("gzip"::equalsIgnoreCase).orElse(false)) {
            try (java.util.zip.GZIPInputStream in = new java.util.zip.GZIPInputStream(
                    new java.io.ByteArrayInputStream(body))) {
                body = in.readAllBytes();
            } catch (IOException e) {
                throw new AssertionError("OpenAPI " + r.request().method() + " " + target(r) + ": Content-Encoding"
                        + " gzip, but the body is not gzip: " + e, e);
            }
            headers.keySet().removeIf(k -> k.equalsIgnoreCase("Content-Encoding"));
        }
        check(r.request().method(), target(r), r.statusCode(), headers, new String(body, StandardCharsets.UTF_8));
    }

    private static String target(java.net.http.HttpResponse<?> r) {
        URI uri = r.request().uri();
        return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    private void validate(String where, String schemaPointer, String body) {
        JsonNode instance;
        try {
            instance = JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("OpenAPI " + where + ": the body is not JSON: " + abbreviate(body), e);
        }
        JsonSchema schema = schemas.computeIfAbsent(schemaPointer,
                p -> factory.getSchema(SchemaLocation.of(BASE + "#" + p), config));
        Set<ValidationMessage> errors = schema.validate(instance);
        if (!errors.isEmpty()) {
            List<String> lines = new ArrayList<>();
            for (ValidationMessage m : errors) {
                String at = m.getInstanceLocation().toString();
                lines.add((at.isEmpty() ? "(the body)" : at) + ": " + m.getMessage() + " [" + m.getType() + " at "
                        + m.getEvaluationPath() + "]");
            }
            throw new AssertionError("OpenAPI " + where + ": the body does not match " + schemaPointer + ":\n  "
                    + String.join("\n  ", lines) + "\n  body: " + abbreviate(body));
        }
    }

    /** The operation of the document that {@code method} on {@code path} is, or null when it has none. */
    Operation operation(String method, String path) {
        String[] have = path.split("/", -1);
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext();) {
            Map.Entry<String, JsonNode> p = paths.next();
            String[] want = p.getKey().split("/", -1);
            if (want.length != have.length) {
                continue;
            }
            boolean match = true;
            for (int i = 0; i < want.length && match; i++) {
                match = want[i].startsWith("{") ? !have[i].isEmpty() : want[i].equals(have[i]);
            }
            JsonNode op = p.getValue().get(method.toLowerCase(Locale.ROOT));
            if (match && op != null) {
                return new Operation(op.path("operationId").asText(), p.getKey(),
                        "/paths/" + escape(p.getKey()) + "/" + method.toLowerCase(Locale.ROOT), op);
            }
        }
        return null;
    }

    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= 600 ? s : s.substring(0, 600) + "...";
    }
}
