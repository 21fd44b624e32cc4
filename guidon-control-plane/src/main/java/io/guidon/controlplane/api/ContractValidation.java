package io.guidon.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.Keyword;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.oas.OpenApi31;
import io.guidon.json.Pointer;
import io.guidon.json.ValueChecks;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The admin API's OpenAPI document ({@code controlplane/openapi.json}, served at {@code GET /api/v1/openapi.json})
 * as the contract each request is checked against before its handler acts on it (ADR 0111).
 *
 * <p>What is checked where: the edge checks come first and are unchanged (body size, content type, JSON syntax and
 * limits, U+0000 and numbers, in {@link ApiRouter}, {@link Parameters} and {@link io.guidon.json.BoundedJson}). Then
 * a route's path and query parameters are checked against their schemas: a violation is a 400
 * {@code invalid-parameter} before the handler runs. A JSON body is checked against its operation's request schema
 * when the handler reads it ({@link Call#body()}); its violations are handed to the handler's own checks
 * ({@link Call#fields()}), so one 422 {@code validation} lists the contract's violations, the handler's and the
 * engine's together; where the handler or the engine reports a problem at the same place, its wording is kept
 * (it knows the domain: "must be 1 to 128 of a-z, ..." rather than "does not match the pattern").
 *
 * <p>Not checked: the body of {@code POST /api/v1/events} (streamed and large; the protocol module owns its rules)
 * and headers (the handlers check {@code If-Match}). {@code format} is an annotation, as JSON Schema 2020-12 makes
 * it by default: the handlers parse instants and ids with their own rules. The validator is networknt's
 * json-schema-validator (draft 2020-12, OpenAPI 3.1's dialect), on the same Jackson trees the handlers read, so that
 * numbers are checked as written (a decimal of 100 digits is not first turned into a double).
 *
 * <p>Thread-safe; one instance serves every event loop's router. Every operation's schemas are compiled when it is
 * constructed, as parts of one root schema of the whole document (some 0.3 to 0.7 s and 15 MB for the API's 84
 * operations); checking a flag configuration's body takes some 4 to 10 µs.
 */
public final class ContractValidation {

    /** Where in the routing context the body's violations are kept, for the answer ({@link #withoutRepeats}). */
    static final String VIOLATIONS = "guidon.contract.violations";
    /** The id the document is loaded under, so that its {@code #/components/...} references resolve within it. */
    private static final String BASE = "https://guidon.io/controlplane/openapi.json";
    /** The members an OpenAPI 3.1 document object may have (OpenAPI 3.1.0, 4.8.1). */
    static final List<String> DOCUMENT_MEMBERS = List.of("openapi", "info", "jsonSchemaDialect", "servers", "paths",
            "webhooks", "components", "security", "tags", "externalDocs");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Query parameters the handlers check themselves, with bounds from the configuration the document cannot know. */
    private static final Set<String> HANDLER_CHECKED = Set.of("limit", "since");
    /** The members of a path item that are operations (OpenAPI 3.1.0, 4.8.9). */
    private static final Set<String> OPERATIONS = Set.of("GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH",
            "TRACE");
    private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,18}");
    private static final Pattern NUMBER = Pattern.compile("-?[0-9]{1,18}(\\.[0-9]{1,18})?");

    private final JsonNode doc;
    private final JsonSchemaFactory factory;
    /** The whole document as one root schema, loaded once; each route's schemas are its sub-schemas. */
    private final JsonSchema root;
    private final SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().pathType(PathType.JSON_POINTER)
            .formatAssertionsEnabled(false).build();
    /** Compiled once per route and shared by every event loop's router. */
    private final Map<String, java.util.Optional<Route>> routes = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param document the OpenAPI 3.1 document, UTF-8 JSON
     * @throws IllegalArgumentException if it is not JSON
     */
    public ContractValidation(byte[] document) {
        String text = new String(document, StandardCharsets.UTF_8);
        try {
            this.doc = MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("the OpenAPI document is not JSON: " + e.getMessage(), e);
        }
        JsonMetaSchema dialect = openApiDialect();
        this.factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
                b -> b.metaSchema(dialect).defaultMetaSchemaIri(dialect.getIri())
                        .schemaLoaders(l -> l.schemas(Map.of(BASE, text))));
        this.root = factory.getSchema(SchemaLocation.of(BASE), config);
        // Every operation is compiled here, on the thread that builds the server, rather than by the first event
        // loop whose router adds the route: a start never blocks an event loop on it.
        JsonNode paths = doc.path("paths");
        for (java.util.Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            String routerPath = path.getKey().replaceAll("\\{([A-Za-z0-9_]+)\\}", ":$1");
            for (java.util.Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
                String method = methods.next().toUpperCase(Locale.ROOT);
                if (OPERATIONS.contains(method)) {
                    route(HttpMethod.valueOf(method), routerPath, true);
                }
            }
        }
    }

    /** The dialect this validator reads the document itself in, when a {@code $ref} loads it as a root schema. */
    JsonMetaSchema documentDialect() {
        return factory.getSchema(SchemaLocation.of(BASE), config).getValidationContext().getMetaSchema();
    }

    /**
     * The dialect the document's schemas are read in: OpenAPI 3.1's (JSON Schema 2020-12 with {@code example},
     * {@code discriminator}...), plus the document's own top-level members as keywords that validate nothing.
     * A {@code $ref} into {@code #/components/schemas} loads the whole document as the root schema; read in plain
     * 2020-12, each of those members would be an unknown keyword, logged as a warning at every start.
     */
    public static JsonMetaSchema openApiDialect() {
        List<Keyword> document = new ArrayList<>();
        for (String member : DOCUMENT_MEMBERS) {
            document.add(new NonValidationKeyword(member));
        }
        return JsonMetaSchema.builder(OpenApi31.getInstance()).keywords(document).build();
    }

    /**
     * The checks of the route {@code method} {@code routerPath} ({@code :name} parameters), compiled once when the
     * route is added; null when the document has no such operation.
     *
     * @param checkBody whether to check the body against the operation's request schema (false for the event route)
     */
    public Route route(HttpMethod method, String routerPath, boolean checkBody) {
        return routes.computeIfAbsent(method.name() + " " + routerPath + " " + checkBody,
                k -> java.util.Optional.ofNullable(compile(method, routerPath, checkBody))).orElse(null);
    }

    private Route compile(HttpMethod method, String routerPath, boolean checkBody) {
        String template = routerPath.replaceAll(":([A-Za-z0-9_]+)", "{$1}");
        JsonNode op = doc.path("paths").path(template).path(method.name().toLowerCase(Locale.ROOT));
        if (op.isMissingNode()) {
            return null;
        }
        String opPointer = "/paths/" + escape(template) + "/" + method.name().toLowerCase(Locale.ROOT);
        List<ParameterCheck> parameters = new ArrayList<>();
        JsonNode declared = op.path("parameters");
        for (int i = 0; i < declared.size(); i++) {
            JsonNode p = declared.get(i);
            String in = p.path("in").asText();
            if ((in.equals("query") || in.equals("path")) && p.has("schema")) {
                parameters.add(new ParameterCheck(p.get("name").asText(), in.equals("path"),
                        p.get("schema").path("type").asText("string"),
                        schema(opPointer + "/parameters/" + i + "/schema")));
            }
        }
        JsonSchema body = null;
        if (checkBody && op.path("requestBody").path("content").has("application/json")) {
            body = schema(opPointer + "/requestBody/content/application~1json/schema");
        }
        return new Route(op.path("operationId").asText(), List.copyOf(parameters), body);
    }

    /**
     * The schema at {@code pointer} in the document, read as a part of the one root schema: every route's schemas
     * share its compiled {@code #/components/schemas}. Asking the factory for {@code BASE#pointer} instead loads and
     * compiles the whole document again for each of them: seconds of a start and some 200 MB kept for the API's
     * 84 operations, where this takes tens of milliseconds and a few MB.
     */
    private JsonSchema schema(String pointer) {
        JsonNodePath path = new JsonNodePath(PathType.JSON_POINTER);
        JsonNode at = doc;
        for (String token : pointer.substring(1).split("/", -1)) {
            String name = token.replace("~1", "/").replace("~0", "~");
            if (at.isArray()) {
                int index = Integer.parseInt(name);
                path = path.append(index);
                at = at.path(index);
            } else {
                path = path.append(name);
                at = at.path(name);
            }
        }
        JsonSchema s = root.getSubSchema(path);
        s.initializeValidators();
        return s;
    }

    private record ParameterCheck(String name, boolean inPath, String type, JsonSchema schema) {
    }

    /** The checks of one operation of the document. */
    public final class Route {

        private final String operationId;
        private final List<ParameterCheck> parameters;
        private final JsonSchema body;

        private Route(String operationId, List<ParameterCheck> parameters, JsonSchema body) {
            this.operationId = operationId;
            this.parameters = parameters;
            this.body = body;
        }

        /** The operation's id in the document ({@code createFlag}). */
        public String operationId() {
            return operationId;
        }

        /**
         * Every path and query parameter of the request that its schema refuses, each named by the parameter (a
         * one-token pointer); empty when all pass. A query parameter given more than once is left to the handler,
         * which refuses it with its own message; one not declared was refused before ({@link Parameters}). So are
         * {@code limit}, whose bounds the handler checks against the configured page size ({@link Call#limit}),
         * and the sidecar's {@code since}, which the handler reads whole: one wording whichever bound is missed.
         */
        public List<FieldError> parameters(RoutingContext ctx) {
            List<FieldError> errors = new ArrayList<>();
            for (ParameterCheck p : parameters) {
                if (!p.inPath() && HANDLER_CHECKED.contains(p.name())) {
                    continue;
                }
                String value;
                if (p.inPath()) {
                    value = ctx.pathParam(p.name());
                } else {
                    List<String> all = ctx.queryParam(p.name());
                    value = all.size() == 1 && !all.get(0).isEmpty() ? all.get(0) : null;
                }
                if (value == null) {
                    continue;
                }
                JsonNode instance = typed(value, p.type());
                for (ValidationMessage m : sorted(p.schema().validate(instance))) {
                    errors.add(new FieldError(p.name(), message(m, instance, "'" + ValueChecks.printable(value, 60)
                            + "'"), Pointer.of(p.name())));
                }
            }
            return errors;
        }

        /**
         * Every place where {@code body} does not match the operation's request schema, each with its JSON Pointer
         * (and the message text's path, {@code rules[0].serve.variant}); empty when it matches or the operation
         * takes no JSON body.
         */
        public List<FieldError> body(JsonNode body) {
            if (this.body == null) {
                return List.of();
            }
            List<FieldError> errors = new ArrayList<>();
            for (ValidationMessage m : sorted(this.body.validate(body))) {
                Pointer at = pointer(m.getInstanceLocation());
                JsonNode instance = m.getInstanceNode();
                if (("required".equals(m.getType()) || "additionalProperties".equals(m.getType()))
                        && m.getProperty() != null) {
                    // Reported at the object; the member is where the problem is.
                    at = at.field(m.getProperty());
                    instance = null;
                }
                FieldError e = new FieldError(at.text(), message(m, instance, instance == null ? null
                        : Fields.kind(instance)), at);
                if (!errors.contains(e)) {
                    errors.add(e);
                }
            }
            return errors;
        }
    }

    // ---------------------------------------------------------------- messages in the handlers' words

    private String message(ValidationMessage m, JsonNode instance, String actual) {
        JsonNode schema = m.getSchemaNode();
        String not = actual == null ? "" : ", not " + actual;
        return switch (m.getType()) {
            case "type" -> "must be " + expected(schema) + not;
            case "required" -> "required";
            case "additionalProperties" -> "unknown field (allowed: " + allowed(m) + ")";
            case "enum" -> "must be one of " + join(schema) + not;
            case "const" -> "must be " + schema + not;
            case "minimum" -> "must be at least " + schema.asText() + not;
            case "maximum" -> "must be at most " + schema.asText() + not;
            case "exclusiveMinimum" -> "must be more than " + schema.asText() + not;
            case "exclusiveMaximum" -> "must be less than " + schema.asText() + not;
            case "minLength" -> schema.asInt() == 1 ? "must not be empty"
                    : "must be at least " + schema.asText() + " characters";
            case "maxLength" -> "must be at most " + schema.asText() + " characters";
            case "minItems" -> "at least " + schema.asText() + " entries" + (instance != null && instance.isArray()
                    ? ", not " + instance.size() : "");
            case "maxItems" -> "at most " + schema.asText() + " entries" + (instance != null && instance.isArray()
                    ? ", not " + instance.size() : "");
            case "minProperties" -> schema.asInt() == 1 ? "must not be empty"
                    : "must have at least " + schema.asText() + " members";
            case "maxProperties" -> "must have at most " + schema.asText() + " members";
            case "pattern" -> "must match " + schema.asText() + not;
            default -> withoutLocation(m);
        };
    }

    /** {@code "a string"}, {@code "a whole number or null"}: the schema's {@code type} in the handlers' words. */
    private static String expected(JsonNode type) {
        List<String> words = new ArrayList<>();
        for (JsonNode t : type.isArray() ? type : List.of(type)) {
            words.add(switch (t.asText()) {
                case "string" -> "a string";
                case "integer" -> "a whole number";
                case "number" -> "a number";
                case "boolean" -> "true or false";
                case "object" -> "an object";
                case "array" -> "an array";
                case "null" -> "null";
                default -> t.asText();
            });
        }
        return String.join(" or ", words);
    }

    private static String join(JsonNode values) {
        List<String> out = new ArrayList<>();
        values.forEach(v -> out.add(v.isTextual() ? v.textValue() : v.toString()));
        return String.join(", ", out);
    }

    /** The members the object's schema declares, sorted, for "unknown field (allowed: ...)". */
    private String allowed(ValidationMessage m) {
        JsonNodePath fragment = m.getSchemaLocation().getFragment();
        StringBuilder parent = new StringBuilder();
        for (int i = 0; i < fragment.getNameCount() - 1; i++) {
            parent.append('/').append(escape(fragment.getName(i)));
        }
        Set<String> names = new TreeSet<>();
        doc.at(parent.toString()).path("properties").fieldNames().forEachRemaining(names::add);
        return String.join(", ", names);
    }

    private static String withoutLocation(ValidationMessage m) {
        String text = m.getMessage();
        String at = m.getInstanceLocation().toString();
        return text.startsWith(at + ": ") ? text.substring(at.length() + 2) : text;
    }

    // ---------------------------------------------------------------- the answer

    /**
     * The JSON Pointer of an error of {@code problem}: its own when the checker knew it; for a parameter
     * ({@code invalid-parameter}), the one-token pointer of its name ({@code /limit}); else read from the text.
     */
    static Pointer pointerOf(ApiException problem, FieldError e) {
        if (e.pointer() == null && problem.type().endsWith("/invalid-parameter") && e.path() != null
                && !e.path().isEmpty()) {
            return Pointer.of(e.path());
        }
        return pointerOf(e);
    }

    /**
     * The JSON Pointer of a problem: its own when the checker knew it, else read from the message text
     * ({@code rules[0].serve.variant}, {@code flags["a.b"].on}, {@code limit}); null when the text is not a path.
     */
    public static Pointer pointerOf(FieldError e) {
        return e.pointer() != null ? e.pointer() : Pointer.fromText(e.path());
    }

    /**
     * The 422 or 400 {@code problem} with the contract's {@code violations} (those handed to the handler) that
     * another check also reported at the same place left out: the handler's or the engine's words are kept.
     */
    static ApiException withoutRepeats(ApiException problem, List<FieldError> violations) {
        if (violations == null || violations.isEmpty() || problem.errors().isEmpty()) {
            return problem;
        }
        Set<String> elsewhere = new java.util.HashSet<>();
        for (FieldError e : problem.errors()) {
            if (!violations.contains(e)) {
                elsewhere.add(e.path());
            }
        }
        List<FieldError> kept = new ArrayList<>();
        for (FieldError e : problem.errors()) {
            if (!(violations.contains(e) && elsewhere.contains(e.path())) && !kept.contains(e)) {
                kept.add(e);
            }
        }
        if (kept.size() == problem.errors().size()) {
            return problem;
        }
        return problem.status() == 422 && problem.type().endsWith("/validation") ? ApiException.invalid(kept)
                : new ApiException(problem.status(), problem.type().substring(ApiException.TYPE_BASE.length()),
                        problem.title(), problem.detail(), kept, problem.headers());
    }

    // ---------------------------------------------------------------- helpers

    /** A parameter's text as the JSON value its schema's type reads it as (text that is not one stays text). */
    private static JsonNode typed(String value, String type) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        return switch (type) {
            case "integer" -> INTEGER.matcher(value).matches() ? nodes.numberNode(Long.parseLong(value))
                    : nodes.textNode(value);
            case "number" -> NUMBER.matcher(value).matches() ? nodes.numberNode(new BigDecimal(value))
                    : nodes.textNode(value);
            case "boolean" -> value.equals("true") || value.equals("false") ? nodes.booleanNode(value.equals("true"))
                    : nodes.textNode(value);
            default -> nodes.textNode(value);
        };
    }

    /** networknt's instance location as our pointer: array indexes told apart from members. */
    static Pointer pointer(JsonNodePath path) {
        Pointer p = Pointer.ROOT;
        for (int i = 0; i < path.getNameCount(); i++) {
            Object e = path.getElement(i);
            p = e instanceof Integer index ? p.index(index) : p.field(String.valueOf(e));
        }
        return p;
    }

    /** Messages in document order (by place, then keyword), so that answers do not vary between runs. */
    private static List<ValidationMessage> sorted(Set<ValidationMessage> messages) {
        List<ValidationMessage> list = new ArrayList<>(messages);
        list.sort(Comparator.comparing((ValidationMessage m) -> m.getInstanceLocation())
                .thenComparing(m -> String.valueOf(m.getProperty()))
                .thenComparing(ValidationMessage::getType));
        return list;
    }

    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

}
