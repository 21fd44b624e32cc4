package io.guidon.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaId;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.guidon.engine.Compilation;
import io.guidon.engine.ErrorCode;
import io.guidon.engine.FlagDocumentCompiler;
import io.guidon.engine.Operator;
import io.guidon.engine.Reason;
import io.guidon.engine.ValidationError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Keeps docs/flag-format.md, docs/flag-format.schema.json and the engine in agreement: every valid example
 * (config/flags.json, the flag documents under docs/, the JSON examples of the reference) passes both the schema
 * and the compiler; structurally broken documents fail the schema; every operator of the code is in the schema's
 * enum and in the reference; the reference shows the validator's current output for the broken example.
 */
class FlagFormatSchemaTest {

    private static final Path SCHEMA = Path.of("docs/flag-format.schema.json");
    private static final Path REFERENCE = Path.of("docs/flag-format.md");
    private static final Path CONFIG = Path.of("config/flags.json");
    private static final Path BROKEN = Path.of("docs/examples/broken-flags.json");

    /** A fenced ```json block of the reference; group 1 is its content. */
    private static final Pattern JSON_BLOCK = Pattern.compile("(?m)^```json[ \\t]*\\n(.*?)^```[ \\t]*$", Pattern.DOTALL);

    private static final FlagDocumentCompiler COMPILER = new FlagDocumentCompiler();
    /** The compiler's own mapper: strict about duplicate keys, exact with decimals (33.333 stays 33.333). */
    private static final ObjectMapper MAPPER = COMPILER.mapper();

    private static JsonNode schemaNode;
    private static JsonSchema schema;
    private static String reference;

    @BeforeAll
    static void load() throws IOException {
        ObjectMapper strict = JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
        schemaNode = strict.readTree(Files.readAllBytes(SCHEMA));
        schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schemaNode);
        reference = Files.readString(REFERENCE, StandardCharsets.UTF_8);
    }

    // ---- the schema itself

    @Test
    void schemaIsValidJsonAndAValidDraft202012Schema() {
        assertThat(schemaNode.isObject()).as("the schema is a JSON object").isTrue();
        assertThat(schemaNode.path("$schema").asText()).isEqualTo(SchemaId.V202012);
        JsonSchema metaSchema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(SchemaLocation.of(SchemaId.V202012));
        assertThat(metaSchema.validate(schemaNode)).as("the schema against the draft 2020-12 meta-schema").isEmpty();
        assertThat(schemaNode.path("description").asText())
                .as("the top-level description says what the schema cannot check")
                .contains("cannot check", "guidon validate");
    }

    @Test
    void configReferencesTheSchema() throws IOException {
        JsonNode config = MAPPER.readTree(Files.readAllBytes(CONFIG));
        String ref = config.path("$schema").asText();
        assertThat(ref).isEqualTo("../docs/flag-format.schema.json");
        assertThat(CONFIG.toAbsolutePath().getParent().resolve(ref).normalize())
                .isEqualTo(SCHEMA.toAbsolutePath().normalize());
    }

    // ---- valid documents pass both

    @TestFactory
    Stream<DynamicTest> validDocumentsPassTheSchemaAndTheCompiler() throws IOException {
        Map<String, byte[]> documents = new LinkedHashMap<>();
        documents.put(CONFIG.toString(), Files.readAllBytes(CONFIG));
        for (Path file : flagDocumentsUnderDocs()) {
            documents.put(file.toString(), Files.readAllBytes(file));
        }
        int complete = 0;
        for (Block block : jsonBlocks()) {
            JsonNode node = block.node();
            if (node.isObject() && node.has("flags")) {
                documents.put(block.name(), block.text().getBytes(StandardCharsets.UTF_8));
                complete++;
            } else if (isCondition(node)) {
                documents.put(block.name() + " (a condition, in a rule)", wrap(node, false));
            } else if (isRule(node)) {
                documents.put(block.name() + " (a rule)", wrap(node, true));
            }
        }
        assertThat(complete).as("complete documents among the reference's examples").isGreaterThanOrEqualTo(3);
        return documents.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            JsonNode node = MAPPER.readTree(e.getValue());
            assertThat(messages(schema.validate(node))).as("schema errors in %s", e.getKey()).isEmpty();
            Compilation compilation = COMPILER.compile(e.getValue());
            assertThat(compilation.errors()).as("compiler errors in %s", e.getKey()).isEmpty();
            assertThat(compilation.ok()).isTrue();
        }));
    }

    @Test
    void everyJsonBlockOfTheReferenceIsValidJson() {
        // jsonBlocks() fails on the first block that does not parse; this also checks there are plenty of them.
        assertThat(jsonBlocks()).hasSizeGreaterThan(20);
    }

    // ---- broken documents fail the schema (and the compiler)

    @TestFactory
    Stream<DynamicTest> structurallyBrokenDocumentsFailTheSchema() {
        Map<String, String> broken = new LinkedHashMap<>();
        broken.put("unknown root field", "{\"flags\": {}, \"flagz\": {}}");
        broken.put("missing flags", "{\"segments\": {}}");
        broken.put("unknown flag field", flag("\"enable\": true"));
        broken.put("unknown operator", flag(rule("{\"attribute\": \"country\", \"op\": \"inn\", \"values\": [\"DE\"]}")));
        broken.put("bad flag key", "{\"flags\": {\"Bad Key\": " + flagBody("") + "}}");
        broken.put("bad segment key", "{\"segments\": {\"Beta Testers\": {}}, \"flags\": {}}");
        broken.put("bad variant name", "{\"flags\": {\"f\": {\"enabled\": true, \"variants\": {\"-on\": true}, "
                + "\"offVariant\": \"-on\", \"fallthrough\": {\"variant\": \"-on\"}}}}");
        broken.put("bad rule id", flag("\"rules\": [{\"id\": \"no spaces\", \"when\": {\"attribute\": \"a\", "
                + "\"op\": \"exists\"}, \"serve\": {\"variant\": \"on\"}}]"));
        broken.put("rollout weight 150", flagWithFallthrough("{\"rollout\": {\"on\": 150, \"off\": -50}}"));
        broken.put("rollout weight with four decimals",
                flagWithFallthrough("{\"rollout\": {\"on\": 33.3333, \"off\": 66.6667}}"));
        broken.put("variant and rollout", flagWithFallthrough("{\"variant\": \"on\", \"rollout\": {\"on\": 100}}"));
        broken.put("bucketBy without rollout", flagWithFallthrough("{\"variant\": \"on\", \"bucketBy\": \"orgId\"}"));
        broken.put("variants of two types", "{\"flags\": {\"f\": {\"enabled\": true, \"variants\": {\"on\": true, "
                + "\"off\": \"no\"}, \"offVariant\": \"on\", \"fallthrough\": {\"variant\": \"on\"}}}}");
        broken.put("missing enabled", "{\"flags\": {\"f\": {\"variants\": {\"on\": true}, \"offVariant\": \"on\", "
                + "\"fallthrough\": {\"variant\": \"on\"}}}}");
        broken.put("condition with two kinds",
                flag(rule("{\"all\": [{\"segment\": \"s\"}], \"any\": [{\"segment\": \"s\"}]}")));
        broken.put("empty all", flag(rule("{\"all\": []}")));
        broken.put("clause with an extra field",
                flag(rule("{\"attribute\": \"a\", \"op\": \"in\", \"values\": [\"x\"], \"negate\": true}")));
        broken.put("clause without values", flag(rule("{\"attribute\": \"a\", \"op\": \"in\"}")));
        broken.put("exists with values", flag(rule("{\"attribute\": \"a\", \"op\": \"exists\", \"values\": [1]}")));
        broken.put("gte with a string", flag(rule("{\"attribute\": \"a\", \"op\": \"gte\", \"values\": [\"18\"]}")));
        broken.put("semver not strict", flag(rule("{\"attribute\": \"v\", \"op\": \"semverGt\", \"values\": [\"4.x\"]}")));
        broken.put("bad duration", flag(rule("{\"attribute\": \"d\", \"op\": \"olderThan\", \"values\": [\"30 days\"]}")));
        broken.put("bad instant", flag(rule("{\"attribute\": \"d\", \"op\": \"before\", \"values\": [\"01/03/2025\"]}")));
        broken.put("empty targets values", flag("\"targets\": [{\"variant\": \"on\", \"values\": []}]"));
        broken.put("empty tag", flag("\"tags\": [\"\"]"));
        broken.put("metadata object value", flag("\"metadata\": {\"owner\": {\"team\": \"growth\"}}"));
        return broken.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            JsonNode node = MAPPER.readTree(e.getValue());
            assertThat(schema.validate(node)).as("%s: the schema accepts %s", e.getKey(), e.getValue()).isNotEmpty();
            assertThat(COMPILER.compile(e.getValue()).ok()).as("%s: the compiler accepts %s", e.getKey(), e.getValue())
                    .isFalse();
        }));
    }

    @Test
    void theBrokenExampleFailsTheSchemaAndTheCompiler() throws IOException {
        byte[] bytes = Files.readAllBytes(BROKEN);
        assertThat(schema.validate(MAPPER.readTree(bytes))).isNotEmpty();
        assertThat(COMPILER.compile(bytes).ok()).isFalse();
    }

    @Test
    void theReferenceShowsTheValidatorsCurrentOutputForTheBrokenExample() throws IOException {
        List<ValidationError> errors = COMPILER.compile(Files.readAllBytes(BROKEN)).errors();
        String expected = errors.stream().map(ValidationError::toString).collect(Collectors.joining("\n"))
                + "\n" + BROKEN + ": " + errors.size() + " problems\n";
        assertThat(reference.contains("```text\n" + expected + "```"))
                .as("docs/flag-format.md, section Validation, shows the current output of "
                        + "`./guidon validate docs/examples/broken-flags.json` in a ```text block:%n%s", expected)
                .isTrue();
    }

    // ---- the code's vocabulary is documented

    @Test
    void everyOperatorIsInTheSchemaEnumAndTheReference() {
        Set<String> codeOperators = Arrays.stream(Operator.values()).map(Operator::jsonName)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> schemaOperators = new TreeSet<>();
        schemaNode.path("$defs").path("operator").path("enum").forEach(n -> schemaOperators.add(n.asText()));
        assertThat(schemaOperators).as("the operator enum of the schema ($defs.operator.enum)")
                .isEqualTo(codeOperators);
        List<String> notMentioned = codeOperators.stream().filter(op -> !reference.contains("`" + op + "`")).toList();
        assertThat(notMentioned).as("operators docs/flag-format.md does not mention as `name`").isEmpty();
        List<String> noExample = codeOperators.stream()
                .filter(op -> !Pattern.compile("\"op\": \"" + Pattern.quote(op) + "\"").matcher(reference).find())
                .toList();
        assertThat(noExample).as("operators without an example {\"op\": \"name\"} in docs/flag-format.md").isEmpty();
    }

    @Test
    void everyReasonAndTheEngineErrorCodesAreInTheReference() {
        List<String> missing = Stream.concat(Arrays.stream(Reason.values()).map(Reason::name),
                        Stream.of(ErrorCode.FLAG_NOT_FOUND.name(), ErrorCode.TARGETING_KEY_MISSING.name()))
                .filter(name -> !reference.contains("`" + name + "`"))
                .toList();
        assertThat(missing).as("reasons and error codes docs/flag-format.md does not mention as `NAME`").isEmpty();
    }

    @Test
    void theReferenceLinksTheBucketVectors() {
        assertThat(reference.contains("(bucket-vectors.md)")).as("docs/flag-format.md links bucket-vectors.md").isTrue();
        assertThat(reference.contains("unsigned(MurmurHash3_x86_32(utf8(salt + \"/\" + value), seed 0)) mod 100000"))
                .as("docs/flag-format.md states the bucket formula").isTrue();
    }

    @Test
    void everyLinkToASectionOfTheReferenceResolves() {
        String prose = reference.replaceAll("(?ms)^```.*?^```", "");
        Set<String> anchors = new TreeSet<>();
        Matcher heading = Pattern.compile("(?m)^#{1,6} +(.+?) *$").matcher(prose);
        while (heading.find()) {
            // GitHub's slugs: lowercase, punctuation dropped (hyphens and underscores kept), spaces to hyphens.
            anchors.add(heading.group(1).toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "")
                    .replace(' ', '-'));
        }
        List<String> broken = new ArrayList<>();
        Matcher link = Pattern.compile("\\]\\(#([^)]+)\\)").matcher(prose);
        while (link.find()) {
            if (!anchors.contains(link.group(1))) {
                broken.add("#" + link.group(1));
            }
        }
        assertThat(broken).as("links to sections that do not exist (sections: %s)", anchors).isEmpty();
    }

    // ---- helpers

    private record Block(String name, String text, JsonNode node) {
    }

    private static List<Block> jsonBlocks() {
        List<Block> blocks = new ArrayList<>();
        Matcher m = JSON_BLOCK.matcher(reference);
        while (m.find()) {
            int line = 1 + (int) reference.substring(0, m.start()).chars().filter(c -> c == '\n').count();
            String name = REFERENCE + ":" + line;
            JsonNode node;
            try {
                node = MAPPER.readTree(m.group(1));
            } catch (IOException e) {
                throw new AssertionError("the ```json block at " + name + " is not valid JSON: " + e.getMessage(), e);
            }
            blocks.add(new Block(name, m.group(1), node));
        }
        return blocks;
    }

    /** JSON files under docs/ that are flag documents (a top-level "flags"), except the deliberately broken ones. */
    private static List<Path> flagDocumentsUnderDocs() throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("docs"))) {
            for (Path file : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                if (file.getFileName().toString().startsWith("broken") || file.equals(SCHEMA)) {
                    continue;
                }
                JsonNode node = MAPPER.readTree(Files.readAllBytes(file));
                if (node != null && node.isObject() && node.has("flags")) {
                    out.add(file);
                }
            }
        }
        return out;
    }

    private static boolean isCondition(JsonNode node) {
        if (!node.isObject()) {
            return false;
        }
        if (node.has("op") || node.has("attribute")) {
            return true;
        }
        return node.size() == 1 && (node.has("all") || node.has("any") || node.has("not") || node.has("segment"));
    }

    private static boolean isRule(JsonNode node) {
        return node.isObject() && node.has("id") && node.has("when") && node.has("serve");
    }

    /**
     * A complete document around an example condition or rule: a boolean flag with variants "on" and "off",
     * and the segments the reference's examples use.
     */
    private static byte[] wrap(JsonNode example, boolean isRule) throws IOException {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode segments = root.putObject("segments");
        for (String s : List.of("internal", "beta-testers")) {
            segments.putObject(s);
        }
        ObjectNode flag = root.putObject("flags").putObject("example");
        flag.put("enabled", true);
        flag.putObject("variants").put("on", true).put("off", false);
        flag.put("offVariant", "off");
        ObjectNode rule;
        if (isRule) {
            rule = (ObjectNode) example.deepCopy();
        } else {
            rule = MAPPER.createObjectNode();
            rule.put("id", "example");
            rule.set("when", example);
            rule.putObject("serve").put("variant", "on");
        }
        flag.putArray("rules").add(rule);
        flag.putObject("fallthrough").put("variant", "off");
        return MAPPER.writeValueAsBytes(root);
    }

    private static String flagBody(String extra) {
        return "{\"enabled\": true, \"variants\": {\"on\": true, \"off\": false}, \"offVariant\": \"off\", "
                + "\"fallthrough\": {\"variant\": \"on\"}" + (extra.isEmpty() ? "" : ", " + extra) + "}";
    }

    private static String flag(String extra) {
        return "{\"flags\": {\"f\": " + flagBody(extra) + "}}";
    }

    private static String flagWithFallthrough(String fallthrough) {
        return "{\"flags\": {\"f\": {\"enabled\": true, \"variants\": {\"on\": true, \"off\": false}, "
                + "\"offVariant\": \"off\", \"fallthrough\": " + fallthrough + "}}}";
    }

    private static String rule(String when) {
        return "\"rules\": [{\"id\": \"r\", \"when\": " + when + ", \"serve\": {\"variant\": \"on\"}}]";
    }

    private static List<String> messages(Set<ValidationMessage> messages) {
        return messages.stream().map(ValidationMessage::toString).sorted().toList();
    }
}
