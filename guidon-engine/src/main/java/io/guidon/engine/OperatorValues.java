package io.guidon.engine;

import static io.guidon.engine.Problems.kind;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The checks most operators make of their values the same way, so that their messages read alike. */
final class OperatorValues {

    private OperatorValues() {
    }

    /**
     * The clause's values when they are a non-empty array of at most {@link FlagDocumentCompiler#MAX_VALUES}; null
     * after reporting why not.
     */
    static JsonNode required(OperatorSpec.Input in, Problems problems) {
        JsonNode values = in.values();
        if (values == null || !values.isArray() || values.isEmpty()) {
            problems.error(in.valuesAt(), "required: a non-empty array of values for '" + in.op().jsonName() + "'");
            return null;
        }
        if (problems.tooMany(values, FlagDocumentCompiler.MAX_VALUES, in.valuesAt(), "values")) {
            return null;
        }
        return values;
    }

    /** The values as written, as plain Java values: what explain shows. */
    static List<Object> source(JsonNode values) {
        List<Object> source = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            source.add(JsonValues.javaValue(values.get(i)));
        }
        return Collections.unmodifiableList(source);
    }

    /** The values as strings; an element that is not one, or is too long, is reported and left null. */
    static String[] strings(OperatorSpec.Input in, JsonNode values, Problems problems) {
        String[] out = new String[values.size()];
        for (int i = 0; i < values.size(); i++) {
            JsonNode v = values.get(i);
            if (!v.isTextual()) {
                problems.error(in.valuesAt().index(i), "'" + in.op().jsonName() + "' takes strings; this value is "
                        + kind(v));
            } else if (!problems.tooLong(v.textValue(), in.valuesAt().index(i))) {
                out[i] = v.textValue();
            }
        }
        return out;
    }
}
