package io.guidon.controlplane.ui.form;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The rules editor's structural actions on a condition tree: add a clause, a group, a not or a segment reference;
 * remove, move up or down; unwrap a group of one or a not. Each action names the condition it acts on by its path
 * relative to the tree's root, and answers the form field (or action button) to focus afterwards, so that a
 * keyboard user stays where they were.
 */
final class ConditionEdits {

    private ConditionEdits() {
    }

    /**
     * Applies {@code verb} to the condition at {@code rel} (tokens below {@code root}, whose form path is
     * {@code base}); returns what to focus, or null when the action does not apply (a stale path).
     */
    static String apply(Condition root, String base, List<String> rel, String verb) {
        Condition node = root.locate(rel, 0);
        if (node == null) {
            return null;
        }
        String path = rel.isEmpty() ? base : base + "." + String.join(".", rel);
        switch (verb) {
            case "add-clause", "add-all", "add-any", "add-not", "add-segment" -> {
                Condition.Kind kind = Condition.Kind.of(verb.substring("add-".length()));
                Condition fresh = Condition.fresh(kind);
                String parent = path;
                if (!node.kind.group()) {
                    // A clause, segment or not gets a sibling by becoming the first element of an all group.
                    Condition old = node.copy();
                    become(node, Condition.group(Condition.Kind.ALL, old));
                }
                node.children.add(fresh);
                return focusOf(fresh, node.childPath(parent, node.children.size() - 1));
            }
            case "remove" -> {
                if (rel.isEmpty()) {
                    become(node, Condition.group(Condition.Kind.ALL));
                    return "add-clause@" + path;
                }
                Parent p = parent(root, rel);
                if (p.node.kind == Condition.Kind.NOT) {
                    // A not without its condition is nothing: remove the not.
                    return apply(root, base, p.rel, "remove");
                }
                p.node.children.remove(p.index);
                String parentPath = p.rel.isEmpty() ? base : base + "." + String.join(".", p.rel);
                return parentPath + ".type";
            }
            case "up", "down" -> {
                if (rel.isEmpty()) {
                    return null;
                }
                Parent p = parent(root, rel);
                if (!p.node.kind.group()) {
                    return null;
                }
                int to = verb.equals("up") ? p.index - 1 : p.index + 1;
                if (to < 0 || to >= p.node.children.size()) {
                    return null;
                }
                Collections.swap(p.node.children, p.index, to);
                String parentPath = p.rel.isEmpty() ? base : base + "." + String.join(".", p.rel);
                return moveFocus(verb, p.node.childPath(parentPath, to), to, p.node.children.size());
            }
            case "unwrap" -> {
                if (node.kind == Condition.Kind.NOT || node.kind.group() && node.children.size() == 1) {
                    become(node, node.children.get(0).copy());
                    return path + ".type";
                }
                return null;
            }
            default -> {
                return null;
            }
        }
    }

    /** The button to focus after a move: the same button of the moved element, or the other one at an edge. */
    static String moveFocus(String verb, String movedPath, int to, int size) {
        if (verb.equals("up")) {
            return to == 0 ? "down@" + movedPath : "up@" + movedPath;
        }
        return to == size - 1 ? "up@" + movedPath : "down@" + movedPath;
    }

    /** What to focus in a condition just added at {@code path}. */
    static String focusOf(Condition c, String path) {
        return switch (c.kind) {
            case CLAUSE -> path + ".attribute";
            case SEGMENT -> path + ".segment";
            case NOT -> path + ".not.attribute";
            case ALL, ANY -> path + ".type";
        };
    }

    private record Parent(Condition node, List<String> rel, int index) {
    }

    /** The parent of the condition at {@code rel} (not the root), and its index there. */
    private static Parent parent(Condition root, List<String> rel) {
        String last = rel.get(rel.size() - 1);
        if (last.equals("not")) {
            List<String> up = rel.subList(0, rel.size() - 1);
            return new Parent(root.locate(up, 0), up, 0);
        }
        List<String> up = rel.subList(0, rel.size() - 2);
        return new Parent(root.locate(up, 0), up, Condition.index(last));
    }

    /** Makes {@code node} into {@code other} in place (its parent keeps the same object). */
    static void become(Condition node, Condition other) {
        node.kind = other.kind;
        node.children.clear();
        node.children.addAll(other.children);
        node.segment = other.segment;
        node.attribute = other.attribute;
        node.op = other.op;
        node.mode = other.mode;
        node.values = other.values;
    }

    /** {@code path} split into its tokens. */
    static List<String> tokens(String path) {
        return path.isEmpty() ? List.of() : Arrays.asList(path.split("\\.", -1));
    }
}
