package io.guidon.controlplane.ui.view;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.domain.StoredJson;
import java.io.IOException;

/**
 * The context typed in the try-it page's textarea, read as JSON: an object of attributes, or a message saying what
 * is wrong and where (line and column) in words to show next to the textarea. Blank is the empty context.
 *
 * @param context the object read (null when {@code problem} is set)
 * @param problem what is wrong (null when the context was read)
 */
public record ContextInput(JsonNode context, String problem) {

    /** The longest context text taken, in characters (the service checks its own limits on what it reads). */
    public static final int MAX_LENGTH = 64 * 1024;

    /** Reads {@code text} (null or blank: the empty context). */
    public static ContextInput parse(String text) {
        if (text == null || text.isBlank()) {
            return new ContextInput(StoredJson.object(), null);
        }
        if (text.length() > MAX_LENGTH) {
            return refused("The context is " + text.length() + " characters long; at most " + MAX_LENGTH
                    + " are taken.");
        }
        JsonNode node;
        try (JsonParser p = StoredJson.MAPPER.createParser(text)) {
            node = StoredJson.MAPPER.readTree(p);
            JsonToken after = p.nextToken();
            if (after != null) {
                return refused("Not valid JSON: there is more after the object, at line "
                        + p.currentLocation().getLineNr() + ", column " + p.currentLocation().getColumnNr()
                        + ". Enter one JSON object.");
            }
        } catch (JsonProcessingException e) {
            var where = e.getLocation();
            String at = where == null ? "" : " at line " + where.getLineNr() + ", column " + where.getColumnNr();
            return refused("Not valid JSON" + at + ": " + firstLine(e.getOriginalMessage()) + ".");
        } catch (IOException e) {
            return refused("Not valid JSON: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            return refused("The context must be a JSON object such as {\"targetingKey\": \"user-1\", \"country\":"
                    + " \"FR\"}, not " + kind(node) + ".");
        }
        return new ContextInput(node, null);
    }

    private static ContextInput refused(String problem) {
        return new ContextInput(null, problem);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "it does not parse";
        }
        int nl = message.indexOf('\n');
        String line = nl < 0 ? message : message.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }

    private static String kind(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        if (node.isArray()) {
            return "an array";
        }
        if (node.isTextual()) {
            return "a string";
        }
        if (node.isNumber()) {
            return "a number";
        }
        if (node.isBoolean()) {
            return "a boolean";
        }
        return "null";
    }
}
