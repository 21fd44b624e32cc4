package io.guidon.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses request bodies from clients we do not trust into plain Java values (Map, List, String, Integer/Long/
 * BigInteger, Double, Boolean, null; with {@code exactDecimals}, BigDecimal instead of Double). It is the one place where each server checks every incoming JSON text and
 * number: it refuses documents that are too deep, hold too large arrays or objects, or too long strings or numbers
 * (so no request can make a server spend unbounded memory or stack on it), and values no store downstream holds
 * exactly (see {@link ValueChecks}: U+0000, unpaired surrogates, in names as in values; numbers beyond the double
 * range or that underflow to zero). Every refusal names the path of the value, in the {@code a.b[0].c} style of
 * validation errors ({@code ""} is the whole body).
 */
public final class BoundedJson {

    /** Most value problems listed in one refusal; past that the body is clearly not worth reporting on. */
    private static final int MAX_PROBLEMS = 50;
    /** Longest number, in characters, unless a constructor says otherwise. */
    public static final int DEFAULT_MAX_NUMBER_LENGTH = 100;
    /** Jackson reads a number before its name is reported; ours is checked after, with the name in the path. */
    private static final int BACKSTOP_NUMBER_LENGTH = 1000;
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_$@-]+");

    /** Why a body was refused. */
    public enum Kind {
        /** Not JSON, or not one JSON value. */
        MALFORMED,
        /** Well-formed, but beyond a limit of depth, entries or length. */
        LIMIT,
        /** Well-formed, but holding text or numbers that cannot be kept exactly. */
        VALUE
    }

    /** One refused value: where ({@code variants.on}, {@code rules[0].when.values[2]}, "" for the body) and why. */
    public record Problem(String path, String message) {
    }

    /** Why a body was refused: its kind and, unless malformed, each problem with its path. */
    public static final class Rejected extends Exception {
        private final Kind kind;
        private final transient List<Problem> problems;

        Rejected(Kind kind, String message, List<Problem> problems) {
            super(message, null, false, false);
            this.kind = kind;
            this.problems = List.copyOf(problems);
        }

        static Rejected at(Kind kind, String path, String message) {
            return new Rejected(kind, describe(path) + " " + message, List.of(new Problem(path, message)));
        }

        public Kind kind() {
            return kind;
        }

        /** True when the JSON was well formed but exceeded a limit. */
        public boolean isLimit() {
            return kind == Kind.LIMIT;
        }

        /** The refused values with their paths; empty for malformed JSON. */
        public List<Problem> problems() {
            return problems;
        }
    }

    private final ObjectMapper mapper;
    private final int maxDepth;
    private final int maxElements;
    private final int maxStringLength;
    private final int maxNumberLength;
    private final boolean exactDecimals;

    /**
     * A parser that reads a number written with a fraction or an exponent as a {@link Double} (the sidecar's request
     * path, which evaluates with doubles).
     *
     * @param maxDepth deepest nesting of arrays and objects
     * @param maxElements largest number of entries in any one array or object
     * @param maxStringLength longest string, in chars
     */
    public BoundedJson(int maxDepth, int maxElements, int maxStringLength) {
        this(maxDepth, maxElements, maxStringLength, DEFAULT_MAX_NUMBER_LENGTH, false);
    }

    /**
     * @param maxNumberLength longest number, in characters (at most 999)
     * @param exactDecimals whether a number written with a fraction or an exponent is read as the exact
     *        {@link BigDecimal} written ({@code 2.0} with scale 1, {@code 10.00000000000000001} with every digit)
     *        rather than as the nearest {@link Double}: the control plane keeps documents as the engine reads them
     *        from a file, so it must see what was written, not a rounding of it. Integers are Integer, Long or
     *        BigInteger either way, so the written kind (integer or decimal) is always kept.
     */
    public BoundedJson(int maxDepth, int maxElements, int maxStringLength, int maxNumberLength,
            boolean exactDecimals) {
        if (maxNumberLength >= BACKSTOP_NUMBER_LENGTH) {
            throw new IllegalArgumentException("numbers of at most " + (BACKSTOP_NUMBER_LENGTH - 1) + " characters");
        }
        this.maxNumberLength = maxNumberLength;
        this.exactDecimals = exactDecimals;
        this.maxDepth = maxDepth;
        this.maxElements = maxElements;
        this.maxStringLength = maxStringLength;
        this.mapper = JsonMapper.builder()
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
        // Jackson's own limits are a backstop one past ours: ours are checked first, with a path.
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(maxDepth + 1)
                .maxStringLength(maxStringLength + 1)
                .maxNameLength(maxStringLength + 1)
                .maxNumberLength(BACKSTOP_NUMBER_LENGTH)
                .build());
    }

    public int maxDepth() {
        return maxDepth;
    }

    /** Where the parser is: the open containers, and in each the current name or index. */
    private static final class Frame {
        final Map<String, Object> object;
        final List<Object> array;
        String name;

        Frame(Map<String, Object> object, List<Object> array) {
            this.object = object;
            this.array = array;
        }
    }

    /** The parsed value; an empty body is {@code null}. */
    public Object parse(byte[] body) throws Rejected {
        if (body.length == 0) {
            return null;
        }
        List<Frame> stack = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        try (JsonParser p = mapper.getFactory().createParser(body)) {
            Object root = null;
            boolean done = false;
            while (!done) {
                JsonToken t = p.nextToken();
                if (t == null) {
                    throw new Rejected(Kind.MALFORMED, "malformed JSON" + where(p.currentLocation())
                            + ": the body ends before its JSON is complete (an object, array or string is not closed)",
                            List.of());
                }
                Object value;
                switch (t) {
                    case START_OBJECT, START_ARRAY -> {
                        if (stack.size() >= maxDepth) {
                            throw Rejected.at(Kind.LIMIT, valuePath(stack), "nests arrays and objects deeper than "
                                    + maxDepth + " levels, the limit");
                        }
                        stack.add(t == JsonToken.START_OBJECT ? new Frame(new LinkedHashMap<>(), null)
                                : new Frame(null, new ArrayList<>()));
                        continue;
                    }
                    case FIELD_NAME -> {
                        Frame f = stack.get(stack.size() - 1);
                        String name = p.currentName();
                        if (f.object.size() >= maxElements) {
                            throw Rejected.at(Kind.LIMIT, path(stack), "has more than " + maxElements
                                    + " entries, the limit");
                        }
                        f.name = name;
                        if (name.length() > maxStringLength) {
                            throw Rejected.at(Kind.LIMIT, path(stack), "has a field name longer than "
                                    + maxStringLength + " characters, the limit");
                        }
                        String problem = ValueChecks.textProblem(name);
                        if (problem != null && problems.size() < MAX_PROBLEMS) {
                            problems.add(new Problem(path(stack), "has a field name ('"
                                    + ValueChecks.printable(name, 60) + "') that " + problem));
                        }
                        continue;
                    }
                    case END_OBJECT -> {
                        value = stack.remove(stack.size() - 1).object;
                    }
                    case END_ARRAY -> {
                        value = stack.remove(stack.size() - 1).array;
                    }
                    case VALUE_STRING -> {
                        String s = p.getText();
                        if (s.length() > maxStringLength) {
                            throw Rejected.at(Kind.LIMIT, valuePath(stack), "holds a string longer than "
                                    + maxStringLength + " characters, the limit");
                        }
                        String problem = ValueChecks.textProblem(s);
                        if (problem != null && problems.size() < MAX_PROBLEMS) {
                            problems.add(new Problem(valuePath(stack), problem));
                        }
                        value = s;
                    }
                    case VALUE_NUMBER_INT -> {
                        checkNumberLength(p, stack);
                        value = p.getNumberValue();
                    }
                    case VALUE_NUMBER_FLOAT -> {
                        checkNumberLength(p, stack);
                        BigDecimal d = p.getDecimalValue();
                        String problem = ValueChecks.numberProblem(d);
                        if (problem != null && problems.size() < MAX_PROBLEMS) {
                            problems.add(new Problem(valuePath(stack), p.getText() + " " + problem));
                        }
                        value = exactDecimals ? d : (Object) d.doubleValue();
                    }
                    case VALUE_TRUE -> value = Boolean.TRUE;
                    case VALUE_FALSE -> value = Boolean.FALSE;
                    case VALUE_NULL -> value = null;
                    default -> throw new Rejected(Kind.MALFORMED, "malformed JSON" + where(p.currentLocation())
                            + ": unexpected " + t, List.of());
                }
                if (stack.isEmpty()) {
                    root = value;
                    done = true;
                } else {
                    Frame f = stack.get(stack.size() - 1);
                    if (f.object != null) {
                        f.object.put(f.name, value);
                    } else {
                        if (f.array.size() >= maxElements) {
                            throw Rejected.at(Kind.LIMIT, path(stack), "has more than " + maxElements
                                    + " elements, the limit");
                        }
                        f.array.add(value);
                    }
                }
            }
            JsonToken trailing = p.nextToken();
            if (trailing != null) {
                throw new Rejected(Kind.MALFORMED, "malformed JSON" + where(p.currentTokenLocation())
                        + ": there is more after the JSON value", List.of());
            }
            if (!problems.isEmpty()) {
                throw new Rejected(Kind.VALUE, problems.size() == 1
                        ? describe(problems.get(0).path()) + " " + problems.get(0).message()
                        : problems.size() + " values cannot be accepted; the first: "
                                + describe(problems.get(0).path()) + " " + problems.get(0).message(), problems);
            }
            return root;
        } catch (StreamConstraintsException e) {
            // Only the backstops can fire here: a string or a name beyond our limit, or a number too long.
            String msg = e.getOriginalMessage();
            String what = msg != null && msg.contains("Number") ? "holds a number longer than " + BACKSTOP_NUMBER_LENGTH
                    + " characters, the limit"
                    : msg != null && msg.contains("Name") ? "has a field name longer than " + maxStringLength
                            + " characters, the limit"
                            : "holds a string longer than " + maxStringLength + " characters, the limit";
            throw Rejected.at(Kind.LIMIT, valuePath(stack), what);
        } catch (JsonProcessingException e) {
            throw new Rejected(Kind.MALFORMED, "malformed JSON" + where(e.getLocation()) + ": "
                    + JsonProblems.syntax(e.getOriginalMessage()), List.of());
        } catch (IOException e) {
            throw new Rejected(Kind.MALFORMED, "unreadable body: " + e.getMessage(), List.of());
        }
    }

    private void checkNumberLength(JsonParser p, List<Frame> stack) throws IOException, Rejected {
        if (p.getTextLength() > maxNumberLength) {
            throw Rejected.at(Kind.LIMIT, valuePath(stack), "holds a number longer than " + maxNumberLength
                    + " characters, the limit");
        }
    }

    private static String where(JsonLocation at) {
        return at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }

    /** "the body" for the root, else the path. */
    private static String describe(String path) {
        return path.isEmpty() ? "the body" : path;
    }

    /** The path of the innermost open container. */
    private static String path(List<Frame> stack) {
        return path(stack, stack.size() - 1);
    }

    /** The path of the value being read: the container's path plus its name or index. */
    private static String valuePath(List<Frame> stack) {
        return path(stack, stack.size());
    }

    private static String path(List<Frame> stack, int frames) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < frames && i < stack.size(); i++) {
            Frame f = stack.get(i);
            // A frame's step is the name or index under which its current child is read.
            if (f.object != null) {
                String name = f.name;
                if (name == null) {
                    // A value read ahead of its name (Jackson's backstops): the object is the closest place.
                    continue;
                }
                if (PLAIN_NAME.matcher(name).matches()) {
                    if (b.length() > 0) {
                        b.append('.');
                    }
                    b.append(name);
                } else {
                    b.append("[\"").append(ValueChecks.printable(name, 60).replace("\"", "\\\"")).append("\"]");
                }
            } else {
                b.append('[').append(f.array.size()).append(']');
            }
        }
        return b.toString();
    }

    public ObjectMapper mapper() {
        return mapper;
    }
}
