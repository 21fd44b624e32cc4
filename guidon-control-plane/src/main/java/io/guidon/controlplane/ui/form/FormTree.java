package io.guidon.controlplane.ui.form;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A submitted form whose field names encode a structure with dots ({@code rules.0.when.all.1.op}), read back as a
 * tree: {@code tree.at("rules", "0", "when")}. Every token of a name is a fixed word or an array index, never user
 * text (variant names, keys and values are always field values), so splitting on dots is exact.
 *
 * <p>Built without recursion, so a forged form nested thousands of levels deep cannot overflow the stack here; the
 * parsers that walk it stop at the format's nesting limit.
 */
public final class FormTree {

    private static final FormTree EMPTY = new FormTree();

    private final Map<String, FormTree> children = new LinkedHashMap<>();
    private final List<String> values = new ArrayList<>();

    private FormTree() {
    }

    /** The tree of {@code form} (each field name with all its values, as the router hands them over). */
    public static FormTree of(Map<String, List<String>> form) {
        FormTree root = new FormTree();
        for (Map.Entry<String, List<String>> e : form.entrySet()) {
            FormTree node = root;
            for (String token : e.getKey().split("\\.", -1)) {
                node = node.children.computeIfAbsent(token, t -> new FormTree());
            }
            node.values.addAll(e.getValue());
        }
        return root;
    }

    /** The subtree at {@code path} (tokens, or dotted names); an empty tree when there is none. */
    public FormTree at(String... path) {
        FormTree node = this;
        for (String p : path) {
            for (String token : p.split("\\.", -1)) {
                node = node.children.getOrDefault(token, EMPTY);
            }
        }
        return node;
    }

    /** Whether any field lies at or below {@code path}. */
    public boolean has(String... path) {
        FormTree t = at(path);
        return t != EMPTY && (!t.values.isEmpty() || !t.children.isEmpty());
    }

    /** The first value of the field at {@code path}, or "" when absent. */
    public String text(String... path) {
        FormTree t = at(path);
        return t.values.isEmpty() ? "" : t.values.get(0);
    }

    /** The first value of the field at {@code path}, or null when absent. */
    public String textOrNull(String... path) {
        FormTree t = at(path);
        return t.values.isEmpty() ? null : t.values.get(0);
    }

    /**
     * The array indexes among this node's children, in ascending order (names that are not small non-negative
     * integers are ignored: they are no element of the structure).
     */
    public List<Integer> indexes() {
        return new ArrayList<>(indexed().keySet());
    }

    /** The elements at this node's indexes, in order. */
    public List<FormTree> elements() {
        return new ArrayList<>(indexed().values());
    }

    private TreeMap<Integer, FormTree> indexed() {
        TreeMap<Integer, FormTree> out = new TreeMap<>();
        for (Map.Entry<String, FormTree> e : children.entrySet()) {
            String name = e.getKey();
            if (!name.isEmpty() && name.length() <= 6 && name.chars().allMatch(c -> c >= '0' && c <= '9')) {
                out.merge(Integer.parseInt(name), e.getValue(), (a, b) -> a);
            }
        }
        return out;
    }
}
