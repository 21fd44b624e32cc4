package io.guidon.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.json.Pointer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reports every string and field name of a document with text that is not Unicode (a lone UTF-16 surrogate, which
 * would be served as '?') or that the control plane's database cannot store (NUL); see {@link Texts}. One iterative
 * walk of the tree, so that its depth costs no stack; places are built only for what is reported.
 */
final class TextScan {

    private TextScan() {
    }

    static void scan(JsonNode root, Problems problems) {
        Deque<Frame> stack = new ArrayDeque<>();
        stack.push(new Frame(root, null, null, -1));
        while (!stack.isEmpty()) {
            Frame frame = stack.pop();
            JsonNode node = frame.node;
            if (node.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> e = it.next();
                    String problem = Texts.problem(e.getKey());
                    if (problem != null) {
                        problems.error(frame.where().field(e.getKey()), "the field name " + problem);
                    }
                    value(stack, e.getValue(), frame, e.getKey(), -1, problems);
                }
            } else if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    value(stack, node.get(i), frame, null, i, problems);
                }
            }
        }
    }

    private static void value(Deque<Frame> stack, JsonNode value, Frame parent, String name, int index,
            Problems problems) {
        if (value.isContainerNode()) {
            stack.push(new Frame(value, parent, name, index));
        } else if (value.isTextual()) {
            String problem = Texts.problem(value.textValue());
            if (problem != null) {
                problems.error(new Frame(value, parent, name, index).where(), "the text " + problem);
            }
        }
    }

    /** A node of the walk: its parent and its name or index there, for its place when one is reported. */
    private record Frame(JsonNode node, Frame parent, String name, int index) {
        Pointer where() {
            // Iterative: collect the names up to the root, then join them from the root down.
            List<Frame> up = new ArrayList<>();
            for (Frame f = this; f.parent != null; f = f.parent) {
                up.add(f);
            }
            Pointer where = Pointer.ROOT;
            for (int i = up.size() - 1; i >= 0; i--) {
                Frame f = up.get(i);
                where = f.name != null ? where.field(f.name) : where.index(f.index);
            }
            return where;
        }
    }
}
