package io.guidon.engine;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.re2j.PatternSyntaxException;
import io.guidon.json.JsonProblems;
import io.guidon.json.Pointer;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Period;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses, validates and compiles flag documents (the format of docs/flag-format.md) into {@link FlagSet}s.
 *
 * <p>Validation finds every problem in one pass, each with its JSON path; a document with any problem yields
 * no flag set at all. Thread-safe: one compiler serves any number of threads.
 */
public final class FlagDocumentCompiler {

    /** Flag and segment keys: the same rule as the control plane's API. */
    public static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9._-]{0,127}");
    /** Variant names and rule ids. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    // The limits of docs/flag-format.md ("Limits"), enforced here with paths. They bound what evaluation recurses
    // through (conditions, segment references, prerequisites) to a few hundred stack frames, and what one
    // document can make the compiler or an evaluation spend.
    static final int MAX_CONDITION_DEPTH = 32;
    /** Segments referencing segments: a chain of at most this many segments. */
    static final int MAX_SEGMENT_DEPTH = 8;
    /** Prerequisites of prerequisites: at most this many levels below a flag. */
    static final int MAX_PREREQUISITE_DEPTH = 16;
    static final int MAX_ATTRIBUTE_LENGTH = 256;
    static final int MAX_FLAGS = 100_000;
    static final int MAX_SEGMENTS = 10_000;
    /** Rules of one flag or one segment; conditions in one {@code all} or {@code any}; prerequisites of a flag. */
    static final int MAX_RULES = 1_000;
    static final int MAX_PARTS = 1_000;
    static final int MAX_PREREQUISITES = 100;
    /** Values of one clause; keys of one flag's targets, of one segment's included or excluded list. */
    static final int MAX_VALUES = 100_000;
    /** A string value of a clause (a regular expression too) or a targeting key in a list, in UTF-16 units. */
    static final int MAX_STRING_LENGTH = 1_024;
    /** JSON nesting of the whole document. */
    static final int MAX_JSON_DEPTH = 200;
    /**
     * The worst-case steps of one evaluation of a flag, or one membership test of a segment, with segment references
     * and prerequisites expanded: each condition (clause, {@code all}, {@code any}, {@code not}, segment reference),
     * each segment tested and each flag evaluated is one step, and a scanning clause more ({@link Clause#steps()}:
     * by its values' lengths, a regular expression's expanded size and {@link #MAX_SCANNED_LENGTH}). Nesting multiplies (segments of segments, each
     * {@code any} of the next level), so the other limits alone allow evaluations of hours; at about 10 ns a step
     * (measured), this keeps the worst evaluation near a millisecond, far above a realistic flag's few hundred steps.
     */
    static final long MAX_EVALUATION_STEPS = 100_000;
    /**
     * The expanded size of one regular expression ({@link RegexSize}), in instructions: RE2/J compiles one at this
     * size in about a millisecond, while nested counted repetition ({@code ((a{10}){10})...}) would otherwise build
     * programs that exhaust the heap.
     */
    static final long MAX_REGEX_SIZE = 10_000;
    /** The expanded sizes of all regular expressions of a document together: a bound on their compiled memory. */
    static final long MAX_DOCUMENT_REGEX_SIZE = 1_000_000;
    /**
     * The longest context string that {@code contains} and {@code matches} scan; a longer one does not match. Their
     * work grows with the length of the string, so this bounds an evaluation whatever a caller sends.
     */
    static final int MAX_SCANNED_LENGTH = 1_024;
    /**
     * The largest document read from bytes (a file, the CLI): 16 MiB, the connected sidecar's default
     * {@code control-plane.max-response-size}, and far above a real document (10,000 flags are about 2.3 MiB). A
     * larger one would not fit the sidecar's heap once parsed and compiled.
     */
    static final int MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

    private static final Set<String> ROOT_FIELDS = Set.of("$schema", "segments", "flags");
    private static final Set<String> SEGMENT_FIELDS = Set.of("description", "included", "excluded", "rules");
    private static final Set<String> FLAG_FIELDS = Set.of("description", "enabled", "variants", "offVariant",
            "prerequisites", "targets", "rules", "fallthrough", "salt", "tags", "metadata");
    private static final Set<String> PREREQUISITE_FIELDS = Set.of("flag", "variant");
    private static final Set<String> TARGET_FIELDS = Set.of("variant", "values");
    private static final Set<String> RULE_FIELDS = Set.of("id", "description", "when", "serve");
    private static final Set<String> SERVE_FIELDS = Set.of("variant", "rollout", "bucketBy");
    private static final Set<String> CLAUSE_FIELDS = Set.of("attribute", "op", "values");
    private static final List<String> CONDITION_KINDS = List.of("all", "any", "not", "segment");

    private final ObjectMapper mapper;

    public FlagDocumentCompiler() {
        this.mapper = JsonMapper.builder()
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                // Exact decimals, so that a weight of 33.333 is exactly 33,333 thousandths.
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                // ...and as written: 2.0 stays 2.0 (not 2) in the document a FlagSet keeps and sidecars re-read.
                .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
                .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
                // Anything after the document (a second one pasted below it) is an error, not silently ignored.
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_JSON_DEPTH).build());
    }

    /** Parses and compiles a document given as UTF-8 JSON. */
    public Compilation compile(byte[] json) {
        if (json.length > MAX_DOCUMENT_BYTES) {
            return new Compilation(null, List.of(new ValidationError(Pointer.ROOT, "the document is " + json.length
                    + " bytes; at most " + MAX_DOCUMENT_BYTES + " (16 MiB) are read (see \"Limits\" in the flag format)")));
        }
        JsonNode root;
        try {
            root = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            return new Compilation(null, List.of(new ValidationError(Pointer.ROOT, describe(e))));
        } catch (IOException | RuntimeException e) {
            return new Compilation(null, List.of(new ValidationError(Pointer.ROOT, "cannot read document: "
                    + JsonProblems.scrub(String.valueOf(e.getMessage())))));
        }
        if (root == null || root.isMissingNode()) {
            return new Compilation(null, List.of(new ValidationError(Pointer.ROOT, "the document is empty")));
        }
        return compile(root);
    }

    public Compilation compile(String json) {
        return compile(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Compiles a document already parsed by Jackson (parsed with big decimals, or weights may lose precision). */
    public Compilation compile(JsonNode root) {
        try {
            return new Run().compile(root);
        } catch (RuntimeException | StackOverflowError e) {
            // A fault of ours (the limits keep every walk shallow): the document is refused, never thrown at the
            // caller, whose reload must count and log a rejection rather than lose it.
            return new Compilation(null, List.of(new ValidationError(Pointer.ROOT, "the document could not be compiled: "
                    + e)));
        }
    }

    /** The mapper this compiler parses with: strict about duplicate keys, exact with decimals. */
    public ObjectMapper mapper() {
        return mapper;
    }

    /**
     * A parse error in plain words, with its line and column: never the parser's class or setting names (such as
     * "from `StreamReadConstraints.getMaxNestingDepth()`"), which mean nothing to the author of a document.
     */
    static String describe(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null || at.getLineNr() < 1 ? ""
                : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        String m = String.valueOf(e.getOriginalMessage());
        String what = e instanceof StreamConstraintsException && m.startsWith("Document nesting depth")
                ? "the document nests deeper than " + MAX_JSON_DEPTH + " levels (see \"Limits\" in the flag format)"
                : Texts.printable(JsonProblems.syntax(m)).replace("the body", "the document");
        return "invalid JSON" + where + ": " + what;
    }

    /** One compilation: its error list and the references it resolves once everything is read. */
    private final class Run {
        private final List<ValidationError> errors = new ArrayList<>();
        private final Map<String, Segment> segments = new LinkedHashMap<>();
        private final Map<String, Set<String>> segmentDeps = new LinkedHashMap<>();
        private final Map<String, JsonNode> segmentNodes = new HashMap<>();
        private final Map<String, Flag> flags = new LinkedHashMap<>();
        private final Map<String, Set<String>> flagSegmentDeps = new HashMap<>();
        private final Map<String, JsonNode> flagNodes = new HashMap<>();
        private final List<PendingSegmentRef> segmentRefs = new ArrayList<>();
        private final Map<String, Pointer> prerequisitePaths = new HashMap<>();
        /** Segments referenced by the condition being compiled. */
        private Set<String> deps;
        /** The segment whose rules are being compiled, or null for a flag's. */
        private String currentSegment;
        /** The rule or prerequisite whose conditions are being compiled: what it costs to evaluate. */
        private Cost.Part currentPart;
        /** The expanded sizes of the document's regular expressions so far. */
        private long regexSize;
        /** Each segment's and flag's rules (and prerequisites), for the worst-case cost of evaluating them. */
        private final Map<String, List<Cost.Part>> segmentParts = new HashMap<>();
        private final Map<String, List<Cost.Part>> flagParts = new HashMap<>();
        private boolean segmentCycle;
        private boolean prerequisiteCycle;
        /** Where each segment references each other segment first: segment -> referenced -> path. */
        private final Map<String, Map<String, Pointer>> segmentRefPaths = new HashMap<>();
        /** Post-orders of the reference graphs (a node after what it references), for the fingerprints. */
        private List<String> segmentOrder = List.of();
        private List<String> flagOrder = List.of();

        Compilation compile(JsonNode root) {
            if (!root.isObject()) {
                error(Pointer.ROOT, "the document must be a JSON object with \"flags\" (and optionally \"segments\"), not "
                        + kind(root));
                return done();
            }
            unknownFields(root, Pointer.ROOT, ROOT_FIELDS);
            texts(root);
            JsonNode segmentsNode = root.get("segments");
            if (segmentsNode != null && !segmentsNode.isNull()) {
                if (!segmentsNode.isObject()) {
                    error(Pointer.of("segments"), "must be an object of segments by key, not " + kind(segmentsNode));
                } else if (!tooMany(segmentsNode, MAX_SEGMENTS, Pointer.of("segments"), "segments")) {
                    for (Iterator<Map.Entry<String, JsonNode>> it = segmentsNode.fields(); it.hasNext();) {
                        Map.Entry<String, JsonNode> e = it.next();
                        segment(e.getKey(), e.getValue(), Pointer.of("segments").field(e.getKey()));
                    }
                }
            }
            JsonNode flagsNode = root.get("flags");
            if (flagsNode == null || flagsNode.isNull()) {
                error(Pointer.of("flags"), "required: an object of flags by key (it may be empty)");
            } else if (!flagsNode.isObject()) {
                error(Pointer.of("flags"), "must be an object of flags by key, not " + kind(flagsNode));
            } else if (!tooMany(flagsNode, MAX_FLAGS, Pointer.of("flags"), "flags")) {
                for (Iterator<Map.Entry<String, JsonNode>> it = flagsNode.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> e = it.next();
                    flag(e.getKey(), e.getValue(), Pointer.of("flags").field(e.getKey()));
                }
            }
            resolveSegments();
            resolvePrerequisites();
            evaluationCosts();
            if (!errors.isEmpty()) {
                return done();
            }
            fingerprints();
            String json;
            try {
                json = mapper.writeValueAsString(root);
            } catch (JsonProcessingException e) {
                error(Pointer.ROOT, "cannot serialize the document: " + e.getOriginalMessage());
                return done();
            }
            return new Compilation(new FlagSet(flags.values().toArray(new Flag[0]), segments, json), List.of());
        }

        private Compilation done() {
            return new Compilation(null, errors);
        }

        // ---- segments

        private void segment(String key, JsonNode node, Pointer path) {
            if (!KEY.matcher(key).matches()) {
                error(path, "invalid segment key '" + key + "': use 1 to 128 of a-z, 0-9, '.', '_', '-', "
                        + "starting with a letter or digit");
            }
            if (!node.isObject()) {
                error(path, "a segment must be an object, not " + kind(node));
                return;
            }
            unknownFields(node, path, SEGMENT_FIELDS);
            optionalString(node, "description", path);
            Set<String> included = stringSet(node.get("included"), path.field("included"));
            Set<String> excluded = stringSet(node.get("excluded"), path.field("excluded"));
            deps = new LinkedHashSet<>();
            currentSegment = key;
            List<Cost.Part> parts = new ArrayList<>();
            segmentParts.put(key, parts);
            List<Condition> rules = new ArrayList<>();
            JsonNode rulesNode = node.get("rules");
            if (rulesNode != null && !rulesNode.isNull()) {
                if (!rulesNode.isArray()) {
                    error(path.field("rules"), "must be an array of conditions, not " + kind(rulesNode));
                } else if (!tooMany(rulesNode, MAX_RULES, path.field("rules"), "rules")) {
                    for (int i = 0; i < rulesNode.size(); i++) {
                        currentPart = new Cost.Part(path.field("rules").index(i), null);
                        parts.add(currentPart);
                        Condition c = condition(rulesNode.get(i), path.field("rules").index(i), 1);
                        if (c != null) {
                            rules.add(c);
                        }
                    }
                }
            }
            currentSegment = null;
            currentPart = null;
            segmentDeps.put(key, deps);
            segmentNodes.put(key, node);
            segments.put(key, new Segment(key, included, excluded, rules.toArray(new Condition[0])));
        }

        private Set<String> stringSet(JsonNode node, Pointer path) {
            if (node == null || node.isNull()) {
                return Set.of();
            }
            if (!node.isArray()) {
                error(path, "must be an array of strings, not " + kind(node));
                return Set.of();
            }
            if (tooMany(node, MAX_VALUES, path, "targeting keys")) {
                return Set.of();
            }
            Set<String> out = new HashSet<>(Math.max(4, node.size() * 2));
            for (int i = 0; i < node.size(); i++) {
                JsonNode v = node.get(i);
                if (!v.isTextual()) {
                    error(path.index(i), "must be a string, not " + kind(v));
                } else if (!tooLong(v.textValue(), path.index(i))) {
                    out.add(v.textValue());
                }
            }
            return Collections.unmodifiableSet(out);
        }

        // ---- flags

        private void flag(String key, JsonNode node, Pointer path) {
            if (!KEY.matcher(key).matches()) {
                error(path, "invalid flag key '" + key + "': use 1 to 128 of a-z, 0-9, '.', '_', '-', "
                        + "starting with a letter or digit");
            }
            if (!node.isObject()) {
                error(path, "a flag must be an object, not " + kind(node));
                return;
            }
            unknownFields(node, path, FLAG_FIELDS);
            String description = optionalString(node, "description", path);
            JsonNode enabledNode = node.get("enabled");
            boolean enabled = false;
            if (enabledNode == null) {
                error(path.field("enabled"), "required: true or false");
            } else if (!enabledNode.isBoolean()) {
                error(path.field("enabled"), "must be true or false, not " + kind(enabledNode));
            } else {
                enabled = enabledNode.booleanValue();
            }
            String salt = optionalString(node, "salt", path);
            List<String> tags = tags(node.get("tags"), path.field("tags"));
            Map<String, Object> metadata = metadata(node.get("metadata"), path.field("metadata"));

            Map<String, Variant> variants = new LinkedHashMap<>();
            FlagType type = variants(node.get("variants"), path.field("variants"), variants);
            JsonNode metadataNode = node.get("metadata");
            String metadataJson = metadata.isEmpty() || metadataNode == null ? "{}"
                    : json(wireNumbers(metadataNode, path.field("metadata"), false));
            Flag flag = new Flag(key, description, type, Collections.unmodifiableMap(variants), tags, metadata,
                    metadataJson, enabled, salt == null ? key : salt);
            flagNodes.put(key, node);

            JsonNode offNode = node.get("offVariant");
            Variant off = variantRef(offNode, path.field("offVariant"), variants,
                    "the variant served when the flag is disabled or a prerequisite fails");
            if (off != null) {
                flag.offResult = new EvaluationResult(flag, off, Reason.DISABLED, null);
                // OpenFeature has no reason for a failed prerequisite: the flag is off for this context (as LaunchDarkly,
                // whose PREREQUISITE_FAILED serves the off variation like OFF, treats it), so DISABLED.
                flag.prerequisiteFailed = new EvaluationResult(flag, off, Reason.DISABLED, null);
            }
            flagParts.put(key, new ArrayList<>());
            flag.prerequisites = prerequisites(key, node.get("prerequisites"), path.field("prerequisites"));
            flag.targets = targets(flag, node.get("targets"), path.field("targets"), variants);
            deps = new LinkedHashSet<>();
            flag.rules = rules(flag, node.get("rules"), path.field("rules"), variants);
            flagSegmentDeps.put(key, deps);
            boolean targeting = flag.prerequisites.length != 0 || flag.targets != null || flag.rules.length != 0;
            JsonNode fallthrough = node.get("fallthrough");
            if (fallthrough == null || fallthrough.isNull()) {
                error(path.field("fallthrough"),
                        "required: what to serve when no target or rule matches, {\"variant\": ...} or {\"rollout\": {...}}");
            } else {
                flag.fallthrough = serve(flag, fallthrough, path.field("fallthrough"), variants, null,
                        targeting ? Reason.DEFAULT : Reason.STATIC);
            }
            flags.put(key, flag);
        }

        private FlagType variants(JsonNode node, Pointer path, Map<String, Variant> out) {
            if (node == null || node.isNull()) {
                error(path, "required: an object of variant values by name, such as {\"on\": true, \"off\": false}");
                return null;
            }
            if (!node.isObject() || node.isEmpty()) {
                error(path, "must be a non-empty object of variant values by name, not " + kind(node));
                return null;
            }
            FlagType type = null;
            String firstName = null;
            // A number flag with any variant written with a fraction or an exponent is a float flag: every value
            // of it goes on the wire as a decimal, so that typed clients read a double, never an integer.
            boolean decimal = false;
            for (JsonNode v : node) {
                decimal |= v.isNumber() && !v.isIntegralNumber();
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                Pointer vpath = path.field(e.getKey());
                if (!NAME.matcher(e.getKey()).matches()) {
                    error(vpath, "invalid variant name '" + e.getKey()
                            + "': use 1 to 128 of A-Z, a-z, 0-9, '.', '_', '-', starting with a letter or digit");
                }
                JsonNode v = e.getValue();
                FlagType t = switch (v.getNodeType()) {
                    case BOOLEAN -> FlagType.BOOLEAN;
                    case STRING -> FlagType.STRING;
                    case NUMBER -> FlagType.NUMBER;
                    case OBJECT, ARRAY -> FlagType.OBJECT;
                    default -> null;
                };
                if (t == null) {
                    error(vpath, "a variant value must be a boolean, string, number or JSON object, not " + kind(v));
                    continue;
                }
                if (v.isArray()) {
                    // Still declared below, like a variant of the wrong type. OpenFeature's object values are
                    // structures and OFREP refuses arrays, so no client could read it.
                    error(vpath, "an object flag's variant must be a JSON object, not " + kind(v)
                            + " (OpenFeature object values are structures): wrap it, such as {\"items\": [...]}");
                }
                v = wireNumbers(v, vpath, decimal);
                if (type == null) {
                    type = t;
                    firstName = e.getKey();
                } else if (t != type) {
                    // Still declared below, so that references to it do not report a second, misleading problem.
                    error(vpath, "variant is a " + t.jsonName() + " but variant '" + firstName + "' is a "
                            + type.jsonName() + ": all variants of a flag have one type");
                }
                out.put(e.getKey(), new Variant(e.getKey(), javaValue(v), json(v)));
            }
            return type;
        }

        /** The variant {@code node} names; {@code requiredMessage} (null when optional) reports it missing. */
        private Variant variantRef(JsonNode node, Pointer path, Map<String, Variant> variants, String requiredMessage) {
            if (node == null || node.isNull()) {
                if (requiredMessage != null) {
                    error(path, "required: " + requiredMessage);
                }
                return null;
            }
            if (!node.isTextual()) {
                error(path, "must be a variant name, not " + kind(node));
                return null;
            }
            Variant v = variants.get(node.textValue());
            if (v == null && !variants.isEmpty()) {
                error(path, "variant '" + node.textValue() + "' is not declared (declared: "
                        + String.join(", ", variants.keySet()) + ")");
            }
            return v;
        }

        private Flag.Prerequisite[] prerequisites(String flagKey, JsonNode node, Pointer path) {
            if (node == null || node.isNull()) {
                return new Flag.Prerequisite[0];
            }
            if (!node.isArray()) {
                error(path, "must be an array of {\"flag\", \"variant\"}, not " + kind(node));
                return new Flag.Prerequisite[0];
            }
            if (tooMany(node, MAX_PREREQUISITES, path, "prerequisites")) {
                return new Flag.Prerequisite[0];
            }
            List<Flag.Prerequisite> out = new ArrayList<>();
            for (int i = 0; i < node.size(); i++) {
                JsonNode p = node.get(i);
                Pointer ppath = path.index(i);
                if (!p.isObject()) {
                    error(ppath, "must be an object {\"flag\", \"variant\"}, not " + kind(p));
                    continue;
                }
                unknownFields(p, ppath, PREREQUISITE_FIELDS);
                String f = requiredString(p, "flag", ppath);
                String v = requiredString(p, "variant", ppath);
                if (f != null && v != null) {
                    Flag.Prerequisite prerequisite = new Flag.Prerequisite(f, v);
                    prerequisitePaths.put(flagKey + "\u0000" + out.size(), ppath);
                    flagParts.get(flagKey).add(new Cost.Part(ppath, f));
                    out.add(prerequisite);
                }
            }
            return out.toArray(new Flag.Prerequisite[0]);
        }

        private Map<String, EvaluationResult> targets(Flag flag, JsonNode node, Pointer path,
                Map<String, Variant> variants) {
            if (node == null || node.isNull()) {
                return null;
            }
            if (!node.isArray()) {
                error(path, "must be an array of {\"variant\", \"values\"}, not " + kind(node));
                return null;
            }
            Map<String, EvaluationResult> out = new HashMap<>();
            Map<String, Pointer> firstPath = new HashMap<>();
            int keys = 0;
            for (int i = 0; i < node.size(); i++) {
                JsonNode t = node.get(i);
                Pointer tpath = path.index(i);
                if (!t.isObject()) {
                    error(tpath, "must be an object {\"variant\", \"values\"}, not " + kind(t));
                    continue;
                }
                unknownFields(t, tpath, TARGET_FIELDS);
                Variant v = variantRef(t.get("variant"), tpath.field("variant"), variants,
                        "the variant these keys get");
                JsonNode values = t.get("values");
                Pointer vpath = tpath.field("values");
                if (values == null || !values.isArray() || values.isEmpty()) {
                    error(vpath, "required: a non-empty array of targeting keys");
                    continue;
                }
                keys += values.size();
                if (keys > MAX_VALUES) {
                    error(vpath, "a flag's targets list more than " + MAX_VALUES + " keys");
                    break;
                }
                EvaluationResult result = v == null ? null : new EvaluationResult(flag, v, Reason.TARGETING_MATCH, null);
                for (int j = 0; j < values.size(); j++) {
                    JsonNode k = values.get(j);
                    if (!k.isTextual()) {
                        error(vpath.index(j), "a targeting key must be a string, not " + kind(k));
                        continue;
                    }
                    if (tooLong(k.textValue(), vpath.index(j))) {
                        continue;
                    }
                    Pointer previous = firstPath.putIfAbsent(k.textValue(), vpath.index(j));
                    if (previous != null) {
                        error(vpath.index(j), "'" + k.textValue() + "' is already targeted at " + previous.text());
                    } else if (result != null) {
                        out.put(k.textValue(), result);
                    }
                }
            }
            return out.isEmpty() ? null : out;
        }

        private Rule[] rules(Flag flag, JsonNode node, Pointer path, Map<String, Variant> variants) {
            if (node == null || node.isNull()) {
                return new Rule[0];
            }
            if (!node.isArray()) {
                error(path, "must be an array of rules, not " + kind(node));
                return new Rule[0];
            }
            if (tooMany(node, MAX_RULES, path, "rules")) {
                return new Rule[0];
            }
            List<Rule> out = new ArrayList<>();
            Map<String, Pointer> ids = new HashMap<>();
            for (int i = 0; i < node.size(); i++) {
                JsonNode r = node.get(i);
                Pointer rpath = path.index(i);
                if (!r.isObject()) {
                    error(rpath, "a rule must be an object {\"id\", \"when\", \"serve\"}, not " + kind(r));
                    continue;
                }
                unknownFields(r, rpath, RULE_FIELDS);
                optionalString(r, "description", rpath);
                String id = requiredString(r, "id", rpath);
                if (id != null) {
                    if (!NAME.matcher(id).matches()) {
                        error(rpath.field("id"), "invalid rule id '" + id
                                + "': use 1 to 128 of A-Z, a-z, 0-9, '.', '_', '-', starting with a letter or digit");
                    }
                    Pointer previous = ids.putIfAbsent(id, rpath);
                    if (previous != null) {
                        error(rpath.field("id"), "duplicate rule id '" + id + "' (also at " + previous.text() + ")");
                    }
                }
                JsonNode when = r.get("when");
                Condition condition = null;
                if (when == null || when.isNull()) {
                    error(rpath.field("when"), "required: the condition of the rule");
                } else {
                    currentPart = new Cost.Part(rpath.field("when"), null);
                    flagParts.get(flag.key()).add(currentPart);
                    condition = condition(when, rpath.field("when"), 1);
                    currentPart = null;
                }
                JsonNode serveNode = r.get("serve");
                Serve serve = null;
                if (serveNode == null || serveNode.isNull()) {
                    error(rpath.field("serve"), "required: {\"variant\": ...} or {\"rollout\": {...}}");
                } else {
                    serve = serve(flag, serveNode, rpath.field("serve"), variants, id, Reason.TARGETING_MATCH);
                }
                if (condition != null && serve != null && id != null) {
                    out.add(new Rule(id, condition, serve));
                }
            }
            return out.toArray(new Rule[0]);
        }

        private Serve serve(Flag flag, JsonNode node, Pointer path, Map<String, Variant> variants, String ruleId,
                Reason fixedReason) {
            if (!node.isObject()) {
                error(path, "must be {\"variant\": ...} or {\"rollout\": {...}}, not " + kind(node));
                return null;
            }
            unknownFields(node, path, SERVE_FIELDS);
            JsonNode variantNode = node.get("variant");
            JsonNode rolloutNode = node.get("rollout");
            JsonNode bucketByNode = node.get("bucketBy");
            if ((variantNode == null) == (rolloutNode == null)) {
                error(path, "must have exactly one of \"variant\" and \"rollout\"");
                return null;
            }
            if (variantNode != null) {
                if (bucketByNode != null) {
                    error(path.field("bucketBy"), "only a rollout buckets; remove it or serve a rollout");
                }
                Variant v = variantRef(variantNode, path.field("variant"), variants, "the variant to serve");
                return v == null ? null : new Serve.Fixed(new EvaluationResult(flag, v, fixedReason, ruleId));
            }
            String bucketBy = null;
            if (bucketByNode != null) {
                if (!bucketByNode.isTextual()) {
                    error(path.field("bucketBy"), "must be an attribute name, not " + kind(bucketByNode));
                } else if (bucketByNode.textValue().isEmpty()
                        || bucketByNode.textValue().length() > MAX_ATTRIBUTE_LENGTH) {
                    error(path.field("bucketBy"), "an attribute name has 1 to " + MAX_ATTRIBUTE_LENGTH
                            + " characters");
                } else if (!bucketByNode.textValue().equals(EvaluationContext.TARGETING_KEY)) {
                    bucketBy = bucketByNode.textValue();
                }
            }
            Pointer rpath = path.field("rollout");
            if (!rolloutNode.isObject() || rolloutNode.isEmpty()) {
                error(rpath, "must be a non-empty object of percentages by variant, such as {\"on\": 10, \"off\": 90}");
                return null;
            }
            int n = rolloutNode.size();
            int[] upper = new int[n];
            EvaluationResult[] results = new EvaluationResult[n];
            Map<String, Object> weights = new LinkedHashMap<>();
            int sum = 0;
            int i = 0;
            boolean valid = true;
            for (Iterator<Map.Entry<String, JsonNode>> it = rolloutNode.fields(); it.hasNext(); i++) {
                Map.Entry<String, JsonNode> e = it.next();
                Pointer wpath = rpath.field(e.getKey());
                Variant v = variants.get(e.getKey());
                if (v == null) {
                    if (!variants.isEmpty()) {
                        error(wpath, "variant '" + e.getKey() + "' is not declared (declared: "
                                + String.join(", ", variants.keySet()) + ")");
                    }
                    valid = false;
                }
                int thousandths = weight(e.getValue(), wpath);
                if (thousandths < 0) {
                    valid = false;
                    continue;
                }
                sum += thousandths;
                upper[i] = sum;
                weights.put(e.getKey(), e.getValue().numberValue());
                if (v != null) {
                    results[i] = new EvaluationResult(flag, v, Reason.SPLIT, ruleId);
                }
            }
            if (valid && sum != Bucketing.BUCKETS) {
                error(rpath, "percentages sum to " + BigDecimal.valueOf(sum, 3).stripTrailingZeros().toPlainString()
                        + ", not 100");
                valid = false;
            }
            if (!valid) {
                return null;
            }
            String missing = bucketBy == null
                    ? "flag '" + flag.key() + "' serves a percentage rollout and needs a targetingKey in the context"
                    : "flag '" + flag.key() + "' serves a percentage rollout by '" + bucketBy
                            + "' and needs that attribute (a string or an integer) in the context";
            EvaluationResult keyMissing = EvaluationResult.error(flag.key(), flag, ErrorCode.TARGETING_KEY_MISSING,
                    missing);
            return new Serve.Rollout(bucketBy, upper, results, keyMissing, Collections.unmodifiableMap(weights));
        }

        /** A percentage in thousandths of a percent, or -1 after reporting why it is not one. */
        private int weight(JsonNode node, Pointer path) {
            String problem = percentageProblem(node);
            if (problem != null) {
                error(path, problem);
                return -1;
            }
            return node.decimalValue().stripTrailingZeros().movePointRight(3).intValueExact();
        }

        // ---- conditions

        private Condition condition(JsonNode node, Pointer path, int depth) {
            if (depth > MAX_CONDITION_DEPTH) {
                error(path, "conditions nest deeper than " + MAX_CONDITION_DEPTH + " levels");
                return null;
            }
            if (currentPart != null) {
                currentPart.conditions++;
            }
            if (!node.isObject()) {
                error(path, "a condition must be an object ({\"all\": [...]}, {\"any\": [...]}, {\"not\": ...}, "
                        + "{\"segment\": ...} or a clause {\"attribute\", \"op\", \"values\"}), not " + kind(node));
                return null;
            }
            if (node.has("attribute") || node.has("op") || node.has("values")) {
                return clause(node, path);
            }
            String kind = null;
            for (String k : CONDITION_KINDS) {
                if (node.has(k)) {
                    if (kind != null) {
                        error(path, "a condition has exactly one of all, any, not, segment or a clause; found both '"
                                + kind + "' and '" + k + "'");
                        return null;
                    }
                    kind = k;
                }
            }
            if (kind == null) {
                error(path, "a condition needs one of all, any, not, segment or a clause {\"attribute\", \"op\", "
                        + "\"values\"}; found " + fieldNames(node));
                return null;
            }
            unknownFields(node, path, Set.of(kind));
            JsonNode inner = node.get(kind);
            Pointer ipath = path.field(kind);
            switch (kind) {
                case "all", "any" -> {
                    if (!inner.isArray() || inner.isEmpty()) {
                        error(ipath, "must be a non-empty array of conditions, not " + kind(inner));
                        return null;
                    }
                    if (tooMany(inner, MAX_PARTS, ipath, "conditions")) {
                        return null;
                    }
                    Condition[] parts = new Condition[inner.size()];
                    boolean ok = true;
                    for (int i = 0; i < inner.size(); i++) {
                        parts[i] = condition(inner.get(i), ipath.index(i), depth + 1);
                        ok &= parts[i] != null;
                    }
                    if (!ok) {
                        return null;
                    }
                    return kind.equals("all") ? new Condition.All(parts) : new Condition.Any(parts);
                }
                case "not" -> {
                    Condition c = condition(inner, ipath, depth + 1);
                    return c == null ? null : new Condition.Not(c);
                }
                default -> {
                    if (!inner.isTextual()) {
                        error(ipath, "must be a segment key, not " + kind(inner));
                        return null;
                    }
                    Condition.SegmentRef ref = new Condition.SegmentRef(inner.textValue());
                    segmentRefs.add(new PendingSegmentRef(ref, ipath));
                    deps.add(inner.textValue());
                    if (currentPart != null) {
                        currentPart.segments.merge(inner.textValue(), 1L, Long::sum);
                    }
                    if (currentSegment != null) {
                        segmentRefPaths.computeIfAbsent(currentSegment, k -> new HashMap<>())
                                .putIfAbsent(inner.textValue(), ipath);
                    }
                    return ref;
                }
            }
        }

        private Condition clause(JsonNode node, Pointer path) {
            unknownFields(node, path, CLAUSE_FIELDS);
            String attribute = requiredString(node, "attribute", path);
            if (attribute != null && (attribute.isEmpty() || attribute.length() > MAX_ATTRIBUTE_LENGTH)) {
                error(path.field("attribute"), "must be 1 to " + MAX_ATTRIBUTE_LENGTH + " characters");
                attribute = null;
            }
            String opName = requiredString(node, "op", path);
            Operator op = null;
            if (opName != null) {
                op = Operator.byName(opName);
                if (op == null) {
                    String suggestion = suggestOperator(opName);
                    error(path.field("op"), "unknown operator '" + opName + "'"
                            + (suggestion == null ? "" : " (did you mean '" + suggestion + "'?)"));
                }
            }
            JsonNode values = node.get("values");
            Pointer vpath = path.field("values");
            if (op == null) {
                return null;
            }
            if (op == Operator.EXISTS) {
                if (values != null && !(values.isArray() && values.isEmpty())) {
                    error(vpath, "exists takes no values");
                    return null;
                }
                return attribute == null ? null : new Clause.Exists(attribute);
            }
            if (values == null || !values.isArray() || values.isEmpty()) {
                error(vpath, "required: a non-empty array of values for '" + op.jsonName() + "'");
                return null;
            }
            if (tooMany(values, MAX_VALUES, vpath, "values")) {
                return null;
            }
            List<Object> source = new ArrayList<>(values.size());
            for (int i = 0; i < values.size(); i++) {
                source.add(javaValue(values.get(i)));
            }
            source = Collections.unmodifiableList(source);
            int before = errors.size();
            Clause clause = switch (op) {
                case IN, NOT_IN -> inClause(attribute, op, values, vpath, source);
                case CONTAINS, STARTS_WITH, ENDS_WITH -> {
                    String[] strings = strings(values, vpath, op);
                    yield new Clause.StringOp(attribute, op, source, strings);
                }
                case MATCHES -> {
                    String[] strings = strings(values, vpath, op);
                    com.google.re2j.Pattern[] patterns = new com.google.re2j.Pattern[strings.length];
                    for (int i = 0; i < strings.length; i++) {
                        if (strings[i] == null) {
                            continue;
                        }
                        // Sized before RE2/J sees it: RE2/J expands counted repetition whatever the cost.
                        long size = RegexSize.of(strings[i]);
                        if (size > MAX_REGEX_SIZE) {
                            error(vpath.index(i), "the pattern repeats too much: it expands to "
                                    + (size >= RegexSize.SATURATED ? "more than " + String.format("%,d", RegexSize.SATURATED)
                                            : String.format("%,d", size))
                                    + " instructions; at most " + String.format("%,d", MAX_REGEX_SIZE)
                                    + " (see \"Limits\" in the flag format)");
                            continue;
                        }
                        if (regexSize + size > MAX_DOCUMENT_REGEX_SIZE) {
                            error(vpath.index(i), "the document's regular expressions expand to more than "
                                    + String.format("%,d", MAX_DOCUMENT_REGEX_SIZE) + " instructions in all "
                                    + "(see \"Limits\" in the flag format)");
                            continue;
                        }
                        regexSize += size;
                        try {
                            patterns[i] = com.google.re2j.Pattern.compile(strings[i]);
                        } catch (PatternSyntaxException e) {
                            error(vpath.index(i), "invalid regular expression: " + e.getDescription()
                                    + " in '" + strings[i] + "'");
                        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                            // RE2/J refuses some patterns with other exceptions (or runs out of stack on deep
                            // nesting): the pattern is refused, whatever the library does.
                            error(vpath.index(i), "RE2 could not compile this regular expression ("
                                    + e.getClass().getSimpleName() + ")");
                        }
                    }
                    yield new Clause.Matches(attribute, source, patterns);
                }
                case LT, LTE, GT, GTE -> {
                    double[] numbers = new double[values.size()];
                    for (int i = 0; i < values.size(); i++) {
                        JsonNode v = values.get(i);
                        if (!v.isNumber()) {
                            error(vpath.index(i), "'" + op.jsonName() + "' compares numbers; "
                                    + "this value is " + kind(v));
                        } else if (representable(v, vpath.index(i))) {
                            numbers[i] = v.doubleValue();
                        }
                    }
                    yield new Clause.NumberOp(attribute, op, source, numbers);
                }
                case SEMVER_EQ, SEMVER_LT, SEMVER_GT -> {
                    String[] strings = strings(values, vpath, op);
                    Versions.Version[] versions = new Versions.Version[strings.length];
                    for (int i = 0; i < strings.length; i++) {
                        if (strings[i] == null) {
                            continue;
                        }
                        versions[i] = Versions.parseStrict(strings[i]);
                        if (versions[i] == null) {
                            error(vpath.index(i), "invalid semantic version '" + strings[i]
                                    + "' (expected MAJOR.MINOR.PATCH, such as 1.4.0 or 2.0.0-beta.1)");
                        }
                    }
                    yield new Clause.SemverOp(attribute, op, source, versions);
                }
                case BEFORE, AFTER -> {
                    long[] millis = new long[values.size()];
                    for (int i = 0; i < values.size(); i++) {
                        JsonNode v = values.get(i);
                        long t = v.isTextual() ? Instants.parse(v.textValue())
                                : v.isIntegralNumber() && v.canConvertToLong() ? v.longValue() : Instants.INVALID;
                        if (t == Instants.INVALID) {
                            error(vpath.index(i), "invalid instant " + v
                                    + " (expected ISO-8601 such as 2025-03-01T00:00:00Z, or epoch milliseconds)");
                        }
                        millis[i] = t;
                    }
                    yield new Clause.InstantOp(attribute, op, source, millis);
                }
                case OLDER_THAN, NEWER_THAN -> {
                    String[] strings = strings(values, vpath, op);
                    Duration[] durations = new Duration[strings.length];
                    Period[] periods = new Period[strings.length];
                    for (int i = 0; i < strings.length; i++) {
                        if (strings[i] == null) {
                            continue;
                        }
                        String s = strings[i];
                        try {
                            durations[i] = Duration.parse(s);
                        } catch (DateTimeParseException notDuration) {
                            try {
                                periods[i] = Period.parse(s);
                                durations[i] = Duration.ZERO;
                            } catch (DateTimeParseException notPeriod) {
                                error(vpath.index(i), "invalid ISO-8601 duration '" + s
                                        + "' (such as P30D, PT12H, P2W or P1Y)");
                                continue;
                            }
                        }
                        if (durations[i].isNegative() || (periods[i] != null && periods[i].isNegative())) {
                            error(vpath.index(i), "a duration must not be negative: '" + s + "'");
                        }
                    }
                    yield new Clause.AgeOp(attribute, op, source, durations, periods);
                }
                case EXISTS -> throw new AssertionError("handled above");
            };
            if (clause != null && currentPart != null) {
                // The condition counted one step already; a scanning clause costs more (Clause.steps).
                currentPart.conditions = Cost.add(currentPart.conditions, clause.steps() - 1);
            }
            return errors.size() == before && attribute != null ? clause : null;
        }

        private Clause inClause(String attribute, Operator op, JsonNode values, Pointer vpath, List<Object> source) {
            Set<String> strings = new HashSet<>();
            double[] numbers = new double[values.size()];
            int numberCount = 0;
            boolean hasTrue = false;
            boolean hasFalse = false;
            for (int i = 0; i < values.size(); i++) {
                JsonNode v = values.get(i);
                if (v.isTextual()) {
                    if (!tooLong(v.textValue(), vpath.index(i))) {
                        strings.add(v.textValue());
                    }
                } else if (v.isNumber()) {
                    if (representable(v, vpath.index(i))) {
                        numbers[numberCount++] = v.doubleValue() + 0.0;
                    }
                } else if (v.isBoolean()) {
                    hasTrue |= v.booleanValue();
                    hasFalse |= !v.booleanValue();
                } else {
                    error(vpath.index(i), "'" + op.jsonName() + "' takes strings, numbers or booleans, not "
                            + kind(v));
                }
            }
            double[] sorted = Arrays.copyOf(numbers, numberCount);
            Arrays.sort(sorted);
            return new Clause.In(attribute, op, source, Collections.unmodifiableSet(strings), sorted, hasTrue,
                    hasFalse);
        }

        /** The values as strings; an element that is not one is reported and left null. */
        private String[] strings(JsonNode values, Pointer vpath, Operator op) {
            String[] out = new String[values.size()];
            for (int i = 0; i < values.size(); i++) {
                JsonNode v = values.get(i);
                if (!v.isTextual()) {
                    error(vpath.index(i), "'" + op.jsonName() + "' takes strings; this value is " + kind(v));
                } else if (!tooLong(v.textValue(), vpath.index(i))) {
                    out[i] = v.textValue();
                }
            }
            return out;
        }

        // ---- references

        private void resolveSegments() {
            for (PendingSegmentRef pending : segmentRefs) {
                Segment s = segments.get(pending.ref.segmentKey);
                if (s == null) {
                    error(pending.path, "unknown segment '" + pending.ref.segmentKey + "'"
                            + (segments.isEmpty() ? "" : " (defined: " + String.join(", ", segments.keySet()) + ")"));
                } else {
                    pending.ref.segment = s;
                }
            }
            boolean[] cyclic = new boolean[1];
            segmentOrder = Cycles.find(segmentDeps, (key, cycle) -> {
                cyclic[0] = true;
                // The reference that closes the cycle inside the segment, so that a path relative to the segment
                // (the control plane's) is never empty.
                Map<String, Pointer> refs = segmentRefPaths.get(key);
                Pointer at = refs == null ? null : refs.get(cycle.get(1));
                error(at == null ? Pointer.of("segments").field(key) : at,
                        "segments reference each other in a cycle: " + String.join(" -> ", cycle));
            });
            if (cyclic[0]) {
                segmentCycle = true;
                return;
            }
            Map<String, Integer> heights = Cycles.heights(segmentDeps, segmentOrder);
            for (String key : segmentOrder) {
                if (heights.get(key) == MAX_SEGMENT_DEPTH + 1) {
                    List<String> chain = Cycles.longestChain(segmentDeps, heights, key);
                    // At the reference that starts the chain, inside the segment: a path relative to the segment
                    // (the control plane's answer to a segment write) is then never empty.
                    Map<String, Pointer> refs = segmentRefPaths.get(key);
                    Pointer at = refs == null ? null : refs.get(chain.get(1));
                    error(at == null ? Pointer.of("segments").field(key) : at, "segments reference segments "
                            + (MAX_SEGMENT_DEPTH + 1) + " deep: " + String.join(" -> ", chain)
                            + "; a chain has at most " + MAX_SEGMENT_DEPTH + " segments (see \"Limits\" in the "
                            + "flag format)");
                }
            }
        }

        private void resolvePrerequisites() {
            Map<String, Set<String>> graph = new LinkedHashMap<>();
            for (Flag flag : flags.values()) {
                Set<String> targets = new LinkedHashSet<>();
                graph.put(flag.key(), targets);
                for (int i = 0; i < flag.prerequisites.length; i++) {
                    Flag.Prerequisite p = flag.prerequisites[i];
                    Pointer path = prerequisitePaths.get(flag.key() + "\u0000" + i);
                    Flag target = flags.get(p.flagKey);
                    if (target == null) {
                        error(path.field("flag"), "unknown flag '" + p.flagKey + "'");
                        continue;
                    }
                    targets.add(p.flagKey);
                    p.flag = target;
                    p.variant = target.variants().get(p.variantKey);
                    if (p.variant == null && !target.variants().isEmpty()) {
                        error(path.field("variant"), "flag '" + p.flagKey + "' has no variant '" + p.variantKey
                                + "' (declared: " + String.join(", ", target.variants().keySet()) + ")");
                    }
                }
            }
            boolean[] cyclic = new boolean[1];
            flagOrder = Cycles.find(graph, (key, cycle) -> {
                cyclic[0] = true;
                error(Pointer.of("flags").field(key).field("prerequisites"),
                        "prerequisites form a cycle: " + String.join(" -> ", cycle));
            });
            if (cyclic[0]) {
                prerequisiteCycle = true;
                return;
            }
            Map<String, Integer> heights = Cycles.heights(graph, flagOrder);
            for (String key : flagOrder) {
                // A flag's height counts itself; its prerequisites are one level below it.
                if (heights.get(key) == MAX_PREREQUISITE_DEPTH + 2) {
                    error(Pointer.of("flags").field(key).field("prerequisites"), "prerequisites nest "
                            + (MAX_PREREQUISITE_DEPTH + 1) + " levels deep: "
                            + String.join(" -> ", Cycles.longestChain(graph, heights, key)) + "; at most "
                            + MAX_PREREQUISITE_DEPTH + " (see \"Limits\" in the flag format)");
                }
            }
        }

        // ---- evaluation cost

        /**
         * Refuses segments and flags whose worst-case evaluation exceeds {@link #MAX_EVALUATION_STEPS}: a segment
         * where it first does (none of the segments it references does alone), at its costliest rule; a flag at its
         * costliest rule or prerequisite, naming the segment or prerequisite that makes it so. Skipped when a
         * reference graph has a cycle (reported already; a cost is then infinite).
         */
        private void evaluationCosts() {
            if (segmentCycle || prerequisiteCycle) {
                return;
            }
            Map<String, Long> segmentCosts = new HashMap<>(Math.max(16, segmentOrder.size() * 2));
            Map<String, Long> none = Map.of();
            for (String key : segmentOrder) {
                segmentCosts.put(key, Cost.of(segmentParts.get(key), segmentCosts, none));
            }
            for (String key : segmentOrder) {
                long cost = segmentCosts.get(key);
                if (cost <= MAX_EVALUATION_STEPS || overLimit(segmentDeps.get(key), segmentCosts) != null) {
                    continue;
                }
                Cost.Part worst = Cost.costliest(segmentParts.get(key), segmentCosts, none);
                error(worst == null ? Pointer.of("segments").field(key) : worst.path, "testing segment '" + key
                        + "' can take up to " + Cost.steps(cost) + " evaluation steps with the segments it references "
                        + "expanded; at most " + MAX_EVALUATION_STEPS + " (see \"Limits\" in the flag format): "
                        + "nest fewer segments or reference fewer in each");
            }
            Map<String, Long> flagCosts = new HashMap<>(Math.max(16, flagOrder.size() * 2));
            for (String key : flagOrder) {
                long cost = Cost.of(flagParts.get(key), segmentCosts, flagCosts);
                flagCosts.put(key, cost);
                flags.get(key).evaluationSteps = cost;
            }
            for (String key : flagOrder) {
                long cost = flagCosts.get(key);
                if (cost <= MAX_EVALUATION_STEPS) {
                    continue;
                }
                Cost.Part worst = Cost.costliest(flagParts.get(key), segmentCosts, flagCosts);
                String cause = "";
                if (worst != null && worst.prerequisite != null) {
                    cause = ": its prerequisite '" + worst.prerequisite + "' alone can take up to "
                            + Cost.steps(flagCosts.get(worst.prerequisite));
                } else if (worst != null) {
                    String segment = costliest(worst.segments.keySet(), segmentCosts);
                    // Down to the segment where the cost passes the limit, the one to change.
                    for (String below = segment; below != null && segmentCosts.get(below) > MAX_EVALUATION_STEPS;
                            below = overLimit(segmentDeps.get(below), segmentCosts)) {
                        segment = below;
                    }
                    if (segment != null) {
                        cause = ": segment '" + segment + "' alone can take up to "
                                + Cost.steps(segmentCosts.get(segment));
                    }
                }
                error(worst == null ? Pointer.of("flags").field(key) : worst.path, "evaluating flag '" + key
                        + "' can take up to " + Cost.steps(cost) + " evaluation steps with its segments and "
                        + "prerequisites expanded; at most " + MAX_EVALUATION_STEPS + " (see \"Limits\" in the flag "
                        + "format)" + cause);
            }
        }

        /** The costliest of {@code keys} that exceeds the limit, or null. */
        private String overLimit(Set<String> keys, Map<String, Long> costs) {
            String worst = costliest(keys, costs);
            return worst != null && costs.get(worst) > MAX_EVALUATION_STEPS ? worst : null;
        }

        /** The costliest of {@code keys} with a known cost, or null. */
        private static String costliest(Set<String> keys, Map<String, Long> costs) {
            String worst = null;
            long worstCost = -1;
            for (String k : keys) {
                Long c = costs.get(k);
                if (c != null && c > worstCost) {
                    worst = k;
                    worstCost = c;
                }
            }
            return worst;
        }

        // ---- fingerprints for FlagSet.changedSince

        /** In post-order (what a node references first), so each print combines prints already made. */
        private void fingerprints() {
            Map<String, Long> segmentPrints = new HashMap<>();
            for (String key : segmentOrder) {
                long h = Fingerprint.of(json(segmentNodes.get(key)));
                for (String dep : segmentDeps.get(key)) {
                    h = Fingerprint.combine(h, segmentPrints.get(dep));
                }
                segmentPrints.put(key, h);
            }
            for (String key : flagOrder) {
                Flag flag = flags.get(key);
                long h = Fingerprint.of(json(flagNodes.get(key)));
                for (String dep : flagSegmentDeps.get(key)) {
                    h = Fingerprint.combine(h, segmentPrints.get(dep));
                }
                for (Flag.Prerequisite p : flag.prerequisites) {
                    h = Fingerprint.combine(h, p.flag.fingerprint);
                }
                flag.fingerprint = h;
            }
        }

        // ---- small helpers

        private void unknownFields(JsonNode node, Pointer path, Set<String> allowed) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
                String name = it.next();
                if (!allowed.contains(name)) {
                    List<String> sorted = new ArrayList<>(allowed);
                    Collections.sort(sorted);
                    error(path.field(name), "unknown field '" + name + "' (allowed: " + String.join(", ", sorted)
                            + ")");
                }
            }
        }

        private String optionalString(JsonNode node, String field, Pointer path) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isTextual()) {
                error(path.field(field), "must be a string, not " + kind(v));
                return null;
            }
            return v.textValue();
        }

        private String requiredString(JsonNode node, String field, Pointer path) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                error(path.field(field), "required");
                return null;
            }
            if (!v.isTextual()) {
                error(path.field(field), "must be a string, not " + kind(v));
                return null;
            }
            return v.textValue();
        }

        private List<String> tags(JsonNode node, Pointer path) {
            if (node == null || node.isNull()) {
                return List.of();
            }
            if (!node.isArray()) {
                error(path, "must be an array of strings, not " + kind(node));
                return List.of();
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < node.size(); i++) {
                JsonNode t = node.get(i);
                if (!t.isTextual()) {
                    error(path.index(i), "a tag must be a string, not " + kind(t));
                } else if (t.textValue().isEmpty()) {
                    error(path.index(i), "a tag must not be empty");
                } else {
                    out.add(t.textValue());
                }
            }
            return List.copyOf(out);
        }

        private Map<String, Object> metadata(JsonNode node, Pointer path) {
            if (node == null || node.isNull()) {
                return Map.of();
            }
            if (!node.isObject()) {
                error(path, "must be an object of strings, numbers and booleans, not " + kind(node));
                return Map.of();
            }
            Map<String, Object> out = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                if (!v.isTextual() && !v.isNumber() && !v.isBoolean()) {
                    error(path.field(e.getKey()), "metadata values are strings, numbers or booleans, not "
                            + kind(v));
                } else if (v.isNumber() && !representable(v, path.field(e.getKey()))) {
                    continue;
                } else {
                    out.put(e.getKey(), javaValue(v));
                }
            }
            return Collections.unmodifiableMap(out);
        }

        /**
         * {@code node} with every number in the form it keeps on the wire: integers (also inside objects) as 64-bit
         * integers, decimals as doubles (whose JSON form always has a fraction: {@code 2.0}, {@code 1.0E20}), and, when
         * {@code decimal} (a float flag), a top-level integer as a double too. A number that cannot keep its form is
         * reported at its path: an integer beyond signed 64 bits, a decimal beyond the double range or one that
         * underflows to zero. Nodes without numbers are returned as they are.
         */
        private JsonNode wireNumbers(JsonNode node, Pointer path, boolean decimal) {
            if (node.isNumber()) {
                if (node.isIntegralNumber() && !decimal) {
                    if (!node.canConvertToLong()) {
                        error(path, "the integer " + node.asText() + " does not fit in a signed 64-bit integer (-2^63 to "
                                + "2^63-1); write it with a fraction (" + node.asText() + ".0) to make it a float");
                        return node;
                    }
                    return node.isLong() ? node : LongNode.valueOf(node.longValue());
                }
                BigDecimal exact = node.decimalValue();
                double d = exact.doubleValue();
                if (Double.isInfinite(d)) {
                    error(path, "the number " + exact + " is outside the range of a 64-bit floating-point number "
                            + "(about ±1.8E308)");
                    return node;
                }
                if (d == 0 && exact.signum() != 0) {
                    error(path, "the number " + exact + " is too small for a 64-bit floating-point number: it would "
                            + "become 0");
                    return node;
                }
                return DoubleNode.valueOf(d);
            }
            if (node.isObject()) {
                ObjectNode out = null;
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> e = it.next();
                    JsonNode v = wireNumbers(e.getValue(), path.field(e.getKey()), false);
                    if (v != e.getValue() && out == null) {
                        out = ((ObjectNode) node).deepCopy();
                    }
                    if (out != null) {
                        out.set(e.getKey(), v);
                    }
                }
                return out == null ? node : out;
            }
            if (node.isArray()) {
                ArrayNode out = null;
                for (int i = 0; i < node.size(); i++) {
                    JsonNode v = wireNumbers(node.get(i), path.index(i), false);
                    if (v != node.get(i) && out == null) {
                        out = ((ArrayNode) node).deepCopy();
                    }
                    if (out != null) {
                        out.set(i, v);
                    }
                }
                return out == null ? node : out;
            }
            return node;
        }

        private void error(Pointer path, String message) {
            // A message quotes what it refers to: a lone surrogate or NUL in it would break the report's own text.
            errors.add(new ValidationError(path, Texts.printable(message)));
        }

        /**
         * Reports every string and field name with text that is not Unicode (a lone UTF-16 surrogate, which would
         * be served as '?') or that the control plane's database cannot store (NUL). One iterative walk of the tree,
         * so that its depth costs no stack; paths are built only for what is reported.
         */
        private void texts(JsonNode root) {
            Deque<TextFrame> stack = new ArrayDeque<>();
            stack.push(new TextFrame(root, null, null, -1));
            while (!stack.isEmpty()) {
                TextFrame frame = stack.pop();
                JsonNode node = frame.node;
                if (node.isObject()) {
                    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                        Map.Entry<String, JsonNode> e = it.next();
                        String problem = Texts.problem(e.getKey());
                        if (problem != null) {
                            error(frame.path().field(e.getKey()), "the field name " + problem);
                        }
                        textValue(stack, e.getValue(), frame, e.getKey(), -1);
                    }
                } else if (node.isArray()) {
                    for (int i = 0; i < node.size(); i++) {
                        textValue(stack, node.get(i), frame, null, i);
                    }
                }
            }
        }

        private void textValue(Deque<TextFrame> stack, JsonNode value, TextFrame parent, String name, int index) {
            if (value.isContainerNode()) {
                stack.push(new TextFrame(value, parent, name, index));
            } else if (value.isTextual()) {
                String problem = Texts.problem(value.textValue());
                if (problem != null) {
                    error(new TextFrame(value, parent, name, index).path(), "the text " + problem);
                }
            }
        }

        /** Reports a container with more than {@code max} elements; its elements are then not read. */
        private boolean tooMany(JsonNode node, int max, Pointer path, String what) {
            if (node.size() <= max) {
                return false;
            }
            error(path, "at most " + max + " " + what + ", not " + node.size() + " (see \"Limits\" in the flag format)");
            return true;
        }

        private boolean tooLong(String text, Pointer path) {
            if (text.length() <= MAX_STRING_LENGTH) {
                return false;
            }
            error(path, "at most " + MAX_STRING_LENGTH + " characters, not " + text.length()
                    + " (see \"Limits\" in the flag format)");
            return true;
        }

        /**
         * Whether a number is one evaluation can compare: within the range of a 64-bit float and not so small that
         * it would become 0 (1e400 would be compared as infinity, 1e-400 as 0). Reports it when not.
         */
        private boolean representable(JsonNode v, Pointer path) {
            double d = v.doubleValue();
            if (Double.isInfinite(d) || Double.isNaN(d)) {
                error(path, "the number is beyond the range of a 64-bit float (about ±1.8e308)");
                return false;
            }
            if (d == 0 && v.isFloatingPointNumber() && v.decimalValue().signum() != 0) {
                error(path, "the number is too close to 0 for a 64-bit float (it would be 0)");
                return false;
            }
            return true;
        }
    }

    private record PendingSegmentRef(Condition.SegmentRef ref, Pointer path) {
    }

    /** A node of the text walk: its parent and its name or index there, for its path when one is reported. */
    private record TextFrame(JsonNode node, TextFrame parent, String name, int index) {
        Pointer path() {
            // Iterative: collect the names up to the root, then join them from the root down.
            List<TextFrame> up = new ArrayList<>();
            for (TextFrame f = this; f.parent != null; f = f.parent) {
                up.add(f);
            }
            Pointer path = Pointer.ROOT;
            for (int i = up.size() - 1; i >= 0; i--) {
                TextFrame f = up.get(i);
                path = f.name != null ? path.field(f.name) : path.index(f.index);
            }
            return path;
        }
    }

    private String json(JsonNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed tree always serializes", e);
        }
    }

    /** A JSON value as a plain Java value: Boolean, String, Long or Double, unmodifiable Map and List. */
    static Object javaValue(JsonNode v) {
        switch (v.getNodeType()) {
            case BOOLEAN:
                return v.booleanValue();
            case STRING:
                return v.textValue();
            case NUMBER:
                if (v.isIntegralNumber() && v.canConvertToLong()) {
                    return v.longValue();
                }
                if (v.isBigDecimal()) {
                    BigDecimal d = v.decimalValue();
                    if (d.scale() <= 0 || d.stripTrailingZeros().scale() <= 0) {
                        try {
                            return d.longValueExact();
                        } catch (ArithmeticException tooBig) {
                            return d.doubleValue();
                        }
                    }
                }
                return v.doubleValue();
            case OBJECT: {
                Map<String, Object> m = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> e = it.next();
                    m.put(e.getKey(), javaValue(e.getValue()));
                }
                return Collections.unmodifiableMap(m);
            }
            case ARRAY: {
                List<Object> l = new ArrayList<>(v.size());
                for (JsonNode e : v) {
                    l.add(javaValue(e));
                }
                return Collections.unmodifiableList(l);
            }
            default:
                return null;
        }
    }

    /** A decimal for a message: plain when short, else scientific ({@code 1E+999999999} has no plain form to print). */
    /**
     * Why {@code node} is not a rollout percentage (a number from 0 to 100 with at most three decimals, judged on the
     * exact decimal as written), or null: the rule for every weight of a document, and for the control plane's
     * rollout route, which must refuse exactly what a document refuses.
     */
    public static String percentageProblem(JsonNode node) {
        if (!node.isNumber()) {
            return "a percentage must be a number from 0 to 100, not " + kind(node);
        }
        BigDecimal d = node.decimalValue().stripTrailingZeros();
        if (d.signum() < 0 || d.compareTo(BigDecimal.valueOf(100)) > 0) {
            return "a percentage must be from 0 to 100, not " + readable(d);
        }
        if (d.scale() > 3) {
            return "a percentage has at most three decimals, not " + readable(d);
        }
        return null;
    }

    static String readable(BigDecimal d) {
        return Math.abs((long) d.scale()) <= 30 ? d.toPlainString() : d.toString();
    }

    static String kind(JsonNode node) {
        JsonNodeType t = node.getNodeType();
        return switch (t) {
            case OBJECT -> node.isEmpty() ? "an empty object" : "an object";
            case ARRAY -> node.isEmpty() ? "an empty array" : "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> t.name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names.isEmpty() ? "an empty object" : "fields " + names;
    }

    /** The closest operator name within two edits, for "did you mean" hints; {@code null} if none is that close. */
    static String suggestOperator(String name) {
        String best = null;
        int bestDistance = 3;
        for (Operator op : Operator.values()) {
            int d = editDistance(name.toLowerCase(java.util.Locale.ROOT), op.jsonName().toLowerCase(java.util.Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = op.jsonName();
            }
        }
        return best;
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
