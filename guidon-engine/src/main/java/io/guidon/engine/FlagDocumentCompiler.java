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
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.guidon.json.JsonProblems;
import io.guidon.json.Pointer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Parses, validates and compiles flag documents (the format of docs/flag-format.md) into {@link FlagSet}s.
 *
 * <p>Validation finds every problem in one pass, each with its place (a JSON Pointer); a document with any problem
 * yields no flag set at all. Errors are returned, never thrown. Thread-safe: one compiler serves any number of
 * threads. This class parses and holds the limits; each compilation is a {@link DocumentCompiler}, which hands each
 * concern to its own compiler (see the package documentation).
 */
public final class FlagDocumentCompiler {

    /** Flag and segment keys: the same rule as the control plane's API. */
    public static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9._-]{0,127}");
    /** Variant names and rule ids. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    // The limits of docs/flag-format.md ("Limits"), enforced by the compilers with places. They bound what evaluation recurses
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
            return new DocumentCompiler(mapper).compile(root);
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

    /**
     * Why {@code node} is not a rollout percentage (a number from 0 to 100 with at most three decimals, judged on the
     * exact decimal as written), or null: the rule for every weight of a document, and for the control plane's
     * rollout route, which must refuse exactly what a document refuses.
     */
    public static String percentageProblem(JsonNode node) {
        return RolloutCompiler.percentageProblem(node);
    }
}
