package io.guidon.controlplane.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.flipkart.zjsonpatch.DiffFlags;
import com.flipkart.zjsonpatch.JsonDiff;
import io.guidon.json.Pointer;
import org.apache.commons.collections4.ListUtils;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What changed between two JSON documents, as people read it: a list of {@link Change}s (added, removed, changed),
 * each with its JSON Pointer and the exact values before and after, in document order. For anything the control
 * plane keeps: a flag definition, a flag's configuration in an environment, a segment, an environment, an audit
 * entry's {@code before}/{@code after}. Pure: no I/O, never changes its arguments.
 *
 * <p>The diff itself is zjsonpatch's RFC 6902 diff (without move and copy operations). Arrays are compared through
 * their longest common subsequence, so a rule inserted in the middle of {@code rules} is one added rule, and a rule
 * edited in place is the changes inside it; a whole value replaced by one of another type is one change. An RFC 6902
 * patch names each place as it is when the operations before it have been applied; this class replays the patch to
 * name each place in the documents people see instead: an added or changed value where it is in {@code after}, a
 * removed one where it was in {@code before} (and a changed one's place in {@code before} too, when elements before it
 * were added or removed).
 *
 * <p>Object members are unordered in JSON and in the flag format, with one exception: the order of the variants of a
 * {@code rollout} decides which buckets each gets (docs/flag-format.md, "Percentage rollouts"). A rollout whose
 * variants were only reordered is therefore reported as changed, whole; a reordering of any other object is not a
 * change.
 *
 * <p>Values are the nodes of the arguments, exactly (numbers keep their kind and scale, strings every character):
 * escaping them is the renderer's job.
 */
public final class ReadableDiff {

    /** What happened to a value. */
    public enum Kind {
        /** In {@code after} only: {@link Change#before()} is null. */
        ADDED,
        /** In {@code before} only: {@link Change#after()} is null. */
        REMOVED,
        /** In both, different (or a rollout whose variants were reordered). */
        CHANGED
    }

    /**
     * One change.
     *
     * @param path where the value is: in {@code after} for {@link Kind#ADDED} and {@link Kind#CHANGED}, in
     *        {@code before} for {@link Kind#REMOVED}; {@link Pointer#ROOT} for the whole document. Array elements are
     *        index tokens ({@link Pointer#isIndex}), so {@link Pointer#text()} reads {@code rules[1].serve}.
     * @param beforePath where the value was in {@code before}: null for {@link Kind#ADDED}; equal to {@code path}
     *        unless elements before it in an array were added or removed
     * @param before the value before (a JSON null is a {@code NullNode}); null for {@link Kind#ADDED}
     * @param after the value after; null for {@link Kind#REMOVED}
     */
    public record Change(Kind kind, Pointer path, Pointer beforePath, JsonNode before, JsonNode after) {
    }

    /** Objects whose member order means something (the variants of a rollout, in bucket order). */
    static final Set<String> ORDERED_OBJECTS = Set.of("rollout");
    /**
     * Members that identify the elements of an array when every element has a distinct one: a rule's {@code id},
     * a resource's {@code key}, a prerequisite's {@code flag}, a target's {@code variant}.
     */
    static final List<String> IDENTITIES = List.of("id", "key", "flag", "variant");

    private static final EnumSet<DiffFlags> FLAGS = EnumSet.of(DiffFlags.OMIT_MOVE_OPERATION,
            DiffFlags.OMIT_COPY_OPERATION, DiffFlags.ADD_ORIGINAL_VALUE_ON_REPLACE);

    private ReadableDiff() {
    }

    /**
     * {@code node} as the server stores it (written and read back with {@link StoredJson}): a number's node class
     * then follows its written form only, so an int node and a long node of the same value are equal, while
     * {@code 2} and {@code 2.0} stay different (a form the engine serves as written).
     */
    private static JsonNode canonical(JsonNode node) {
        return StoredJson.parse(StoredJson.write(node));
    }

    /**
     * The changes from {@code before} to {@code after}, in document order (members in the order of {@code after},
     * a removed member where it stood in {@code before}; array elements by position, a removed element before the
     * one that took its place). Either may be absent (a creation or a deletion: Java null, a JSON null as in an audit
     * entry, or a missing node): an object against an absent one lists each of its members as added or removed; any
     * other value, one change at the root. Empty when they are equal (or both absent).
     */
    public static List<Change> between(JsonNode before, JsonNode after) {
        JsonNode b = absent(before) ? null : canonical(before);
        JsonNode a = absent(after) ? null : canonical(after);
        if (b == null && a == null) {
            return List.of();
        }
        if (b == null) {
            return a.isObject() ? between(StoredJson.object(), a)
                    : List.of(new Change(Kind.ADDED, Pointer.ROOT, null, null, a));
        }
        if (a == null) {
            return b.isObject() ? between(b, StoredJson.object())
                    : List.of(new Change(Kind.REMOVED, Pointer.ROOT, Pointer.ROOT, b, null));
        }
        List<Change> out = new ArrayList<>();
        walk(b, a, Pointer.ROOT, Pointer.ROOT, null, out);
        return List.copyOf(out);
    }

    /**
     * Adds the changes from {@code b} (at {@code bp} in before) to {@code a} (at {@code ap} in after), in document
     * order; {@code name} is the member both are the value of, or null.
     */
    private static void walk(JsonNode b, JsonNode a, Pointer bp, Pointer ap, String name, List<Change> out) {
        if (b.isObject() && a.isObject()) {
            if (name != null && ORDERED_OBJECTS.contains(name) && !sameOrder(b, a)) {
                out.add(new Change(Kind.CHANGED, ap, bp, b, a));
                return;
            }
            if (same(b, a)) {
                return;
            }
            for (String member : mergedMembers(b, a)) {
                JsonNode bv = b.get(member);
                JsonNode av = a.get(member);
                if (bv == null) {
                    out.add(new Change(Kind.ADDED, ap.field(member), null, null, av));
                } else if (av == null) {
                    out.add(new Change(Kind.REMOVED, bp.field(member), bp.field(member), bv, null));
                } else {
                    walk(bv, av, bp.field(member), ap.field(member), member, out);
                }
            }
        } else if (same(b, a)) {
            return;
        } else if (b.isArray() && a.isArray()) {
            String key = identity(b, a);
            if (key != null) {
                keyed(b, a, bp, ap, key, out);
            } else {
                Replay replay = new Replay(b, a);
                for (JsonNode op : JsonDiff.asJson(b, a, FLAGS)) {
                    replay.apply(op);
                }
                if (!replay.work.equals(a)) {
                    // Cannot happen with a correct patch; a coarse answer beats none on a page that shows history.
                    out.add(new Change(Kind.CHANGED, ap, bp, b, a));
                    return;
                }
                replay.reorderedRollouts(replay.work, a, b, new ArrayList<>());
                for (Change c : replay.changes()) {
                    out.add(new Change(c.kind(), c.path().under(c.kind() == Kind.REMOVED ? bp : ap),
                            c.beforePath() == null ? null : c.beforePath().under(bp), c.before(), c.after()));
                }
            }
        } else {
            out.add(new Change(Kind.CHANGED, ap, bp, b, a));
        }
    }

    /**
     * The members of {@code b} and {@code a}: those of {@code a} in its order, each member only in {@code b} just
     * after the member that preceded it there (or first).
     */
    private static List<String> mergedMembers(JsonNode b, JsonNode a) {
        List<String> out = new ArrayList<>(a.size() + 4);
        a.fieldNames().forEachRemaining(out::add);
        int insertAt = 0;
        for (Iterator<String> it = b.fieldNames(); it.hasNext();) {
            String n = it.next();
            if (a.has(n)) {
                insertAt = out.indexOf(n) + 1;
            } else {
                out.add(insertAt++, n);
            }
        }
        return out;
    }

    /**
     * The member that identifies the elements of both arrays ({@link #IDENTITIES}, the first that fits): every
     * element an object whose value of it is a string, unique within its array. Null when none does.
     */
    static String identity(JsonNode b, JsonNode a) {
        for (String key : IDENTITIES) {
            if (identifies(key, b) && identifies(key, a)) {
                return key;
            }
        }
        return null;
    }

    private static boolean identifies(String key, JsonNode array) {
        Set<String> seen = new HashSet<>();
        for (JsonNode e : array) {
            JsonNode id = e.isObject() ? e.get(key) : null;
            if (id == null || !id.isTextual() || !seen.add(id.textValue())) {
                return false;
            }
        }
        return true;
    }

    private static List<String> keys(JsonNode array, String key) {
        List<String> out = new ArrayList<>(array.size());
        for (JsonNode e : array) {
            out.add(e.get(key).textValue());
        }
        return out;
    }

    /**
     * An array of identified elements (rules by {@code id}, prerequisites by {@code flag}, ...): elements of the same
     * identity, in the longest common order, are compared member by member; the others are removed or added whole
     * (a rule moved is removed where it was and added where it is, since the order of rules decides).
     */
    private static void keyed(JsonNode b, JsonNode a, Pointer bp, Pointer ap, String key, List<Change> out) {
        List<String> kb = keys(b, key);
        List<String> ka = keys(a, key);
        List<String> common = ListUtils.longestCommonSubsequence(kb, ka);
        int i = 0;
        int j = 0;
        for (String k : common) {
            for (; !kb.get(i).equals(k); i++) {
                out.add(new Change(Kind.REMOVED, bp.index(i), bp.index(i), b.get(i), null));
            }
            for (; !ka.get(j).equals(k); j++) {
                out.add(new Change(Kind.ADDED, ap.index(j), null, null, a.get(j)));
            }
            walk(b.get(i), a.get(j), bp.index(i), ap.index(j), null, out);
            i++;
            j++;
        }
        for (; i < kb.size(); i++) {
            out.add(new Change(Kind.REMOVED, bp.index(i), bp.index(i), b.get(i), null));
        }
        for (; j < ka.size(); j++) {
            out.add(new Change(Kind.ADDED, ap.index(j), null, null, a.get(j)));
        }
    }

    private static boolean absent(JsonNode n) {
        // An audit entry's "before": null is a creation: no document, not a document that is null.
        return n == null || n.isMissingNode() || n.isNull();
    }

    /** An element of an array of the working copy: where it was in {@code before} (-1 if added), and if removed. */
    private static final class Slot {
        final List<Slot> owner;
        final int beforeIndex;
        boolean removed;

        Slot(List<Slot> owner, int beforeIndex) {
            this.owner = owner;
            this.beforeIndex = beforeIndex;
        }
    }

    /** A change found, its places still as steps: member names, and slots for array elements. */
    private record Pending(Kind kind, List<Object> steps, JsonNode before, JsonNode after) {
    }

    /**
     * The patch applied, operation by operation, to a copy of {@code before}, keeping for each array of the copy its
     * slots: the elements it has, and the removed ones where they stood. From them come each change's places in
     * {@code before} and in {@code after}, and its position in document order.
     */
    private static final class Replay {
        final JsonNode before;
        final JsonNode after;
        final JsonNode work;
        final Map<ArrayNode, List<Slot>> slots = new IdentityHashMap<>();
        final List<Pending> pending = new ArrayList<>();

        Replay(JsonNode before, JsonNode after) {
            this.before = before;
            this.after = after;
            this.work = before.deepCopy();
            register(work);
        }

        private void register(JsonNode n) {
            if (n.isArray()) {
                List<Slot> list = new ArrayList<>(n.size());
                for (int i = 0; i < n.size(); i++) {
                    list.add(new Slot(list, i));
                    register(n.get(i));
                }
                slots.put((ArrayNode) n, list);
            } else if (n.isObject()) {
                for (JsonNode v : n) {
                    register(v);
                }
            }
        }

        /** The slots of {@code array}; an array the patch put there came whole from {@code after}. */
        private List<Slot> slotsOf(ArrayNode array) {
            return slots.computeIfAbsent(array, x -> {
                List<Slot> list = new ArrayList<>(x.size());
                for (int i = 0; i < x.size(); i++) {
                    list.add(new Slot(list, -1));
                }
                return list;
            });
        }

        /** The slot of the {@code live}-th element still there; its position among all slots. */
        private static int position(List<Slot> list, int live) {
            int seen = 0;
            for (int i = 0; i < list.size(); i++) {
                if (!list.get(i).removed) {
                    if (seen == live) {
                        return i;
                    }
                    seen++;
                }
            }
            return list.size();
        }

        void apply(JsonNode op) {
            String kind = op.get("op").asText();
            List<String> tokens = Pointer.parse(op.get("path").asText()).tokens();
            if (tokens.isEmpty()) {
                // Only a replace reaches the root (a value of another kind); handled before the diff.
                throw new IllegalStateException("an operation on the whole document: " + op);
            }
            List<Object> steps = new ArrayList<>(tokens.size());
            JsonNode parent = work;
            for (int i = 0; i < tokens.size() - 1; i++) {
                String t = tokens.get(i);
                if (parent.isArray()) {
                    int k = Integer.parseInt(t);
                    List<Slot> list = slotsOf((ArrayNode) parent);
                    steps.add(list.get(position(list, k)));
                    parent = parent.get(k);
                } else {
                    steps.add(t);
                    parent = parent.get(t);
                }
            }
            String last = tokens.get(tokens.size() - 1);
            JsonNode value = op.get("value");
            if (parent.isArray()) {
                ArrayNode array = (ArrayNode) parent;
                List<Slot> list = slotsOf(array);
                int k = Integer.parseInt(last);
                switch (kind) {
                    case "add" -> {
                        Slot slot = new Slot(list, -1);
                        list.add(position(list, k), slot);
                        array.insert(k, value.deepCopy());
                        steps.add(slot);
                        pending.add(new Pending(Kind.ADDED, steps, null, value));
                    }
                    case "remove" -> {
                        Slot slot = list.get(position(list, k));
                        slot.removed = true;
                        steps.add(slot);
                        pending.add(new Pending(Kind.REMOVED, steps, array.remove(k), null));
                    }
                    case "replace" -> {
                        steps.add(list.get(position(list, k)));
                        pending.add(new Pending(Kind.CHANGED, steps, array.set(k, value.deepCopy()), value));
                    }
                    default -> throw new IllegalStateException("unexpected operation " + op);
                }
            } else {
                ObjectNode object = (ObjectNode) parent;
                steps.add(last);
                switch (kind) {
                    case "add" -> {
                        object.set(last, value.deepCopy());
                        pending.add(new Pending(Kind.ADDED, steps, null, value));
                    }
                    case "remove" -> pending.add(new Pending(Kind.REMOVED, steps, object.remove(last), null));
                    case "replace" -> pending.add(new Pending(Kind.CHANGED, steps,
                            object.replace(last, value.deepCopy()), value));
                    default -> throw new IllegalStateException("unexpected operation " + op);
                }
            }
        }

        /**
         * Adds a change for each rollout whose variants kept in {@code after} are in another order than in
         * {@code before}: the patch sees equal members there. The rollout is then one change, whole, in place of any
         * found inside it. {@code w} is a value of the working copy (equal to {@code a}, of {@code after}, at the same
         * place, {@code steps}); {@code b} the value of {@code before} there, or null inside what was added.
         */
        void reorderedRollouts(JsonNode w, JsonNode a, JsonNode b, List<Object> steps) {
            if (w.isObject()) {
                Iterator<String> names = w.fieldNames();
                while (names.hasNext()) {
                    String name = names.next();
                    JsonNode wv = w.get(name);
                    JsonNode av = a.get(name);
                    JsonNode bv = b == null || !b.isObject() ? null : b.get(name);
                    List<Object> inner = new ArrayList<>(steps);
                    inner.add(name);
                    if (ORDERED_OBJECTS.contains(name) && av.isObject() && bv != null && bv.isObject()
                            && !sameOrder(bv, av)) {
                        pending.removeIf(p -> p.steps().size() > inner.size()
                                && p.steps().subList(0, inner.size()).equals(inner));
                        pending.add(new Pending(Kind.CHANGED, inner, bv, av));
                    } else if (wv.isContainerNode()) {
                        reorderedRollouts(wv, av, bv, inner);
                    }
                }
            } else if (w.isArray()) {
                List<Slot> list = slotsOf((ArrayNode) w);
                int live = 0;
                for (Slot s : list) {
                    if (s.removed) {
                        continue;
                    }
                    JsonNode wv = w.get(live);
                    if (wv.isContainerNode()) {
                        List<Object> inner = new ArrayList<>(steps);
                        inner.add(s);
                        JsonNode bv = b == null || !b.isArray() || s.beforeIndex < 0 ? null : b.get(s.beforeIndex);
                        reorderedRollouts(wv, a.get(live), bv, inner);
                    }
                    live++;
                }
            }
        }

        /** Every change with its places in both documents, in document order. */
        List<Change> changes() {
            // Each slot's index among the elements that remain (its index in after) and among all (document order).
            Map<Slot, int[]> index = new IdentityHashMap<>();
            for (List<Slot> list : slots.values()) {
                int live = 0;
                for (int i = 0; i < list.size(); i++) {
                    Slot s = list.get(i);
                    index.put(s, new int[] {s.removed ? -1 : live, i});
                    if (!s.removed) {
                        live++;
                    }
                }
            }
            record Placed(Change change, double[] order) {
            }
            List<Placed> placed = new ArrayList<>(pending.size());
            for (Pending p : pending) {
                Pointer inBefore = Pointer.ROOT;
                Pointer inAfter = Pointer.ROOT;
                JsonNode b = before;
                JsonNode a = after;
                double[] order = new double[p.steps().size()];
                for (int i = 0; i < order.length; i++) {
                    Object step = p.steps().get(i);
                    if (step instanceof Slot s) {
                        int[] at = index.get(s);
                        inBefore = s.beforeIndex < 0 || inBefore == null ? null : inBefore.index(s.beforeIndex);
                        inAfter = at[0] < 0 || inAfter == null ? null : inAfter.index(at[0]);
                        order[i] = at[1];
                        b = b == null || s.beforeIndex < 0 ? null : b.get(s.beforeIndex);
                        a = a == null || at[0] < 0 ? null : a.get(at[0]);
                    } else {
                        String name = (String) step;
                        inBefore = inBefore == null ? null : inBefore.field(name);
                        inAfter = inAfter == null ? null : inAfter.field(name);
                        order[i] = memberRank(b, a, name);
                        b = b == null ? null : b.get(name);
                        a = a == null ? null : a.get(name);
                    }
                }
                Change c = switch (p.kind()) {
                    case ADDED -> new Change(Kind.ADDED, inAfter, null, null, p.after());
                    case REMOVED -> new Change(Kind.REMOVED, inBefore, inBefore, p.before(), null);
                    case CHANGED -> new Change(Kind.CHANGED, inAfter, inBefore, p.before(), p.after());
                };
                placed.add(new Placed(c, order));
            }
            placed.sort(Comparator.comparing(Placed::order, ReadableDiff::compareOrder));
            List<Change> out = new ArrayList<>(placed.size());
            for (Placed p : placed) {
                out.add(p.change());
            }
            return List.copyOf(out);
        }
    }

    /** Whether {@code b} and {@code a} are equal, the variants of every rollout in them in the same order. */
    private static boolean same(JsonNode b, JsonNode a) {
        return b.equals(a) && sameRolloutOrder(b, a);
    }

    /** For equal values: whether every rollout in them lists its variants in the same order. */
    private static boolean sameRolloutOrder(JsonNode b, JsonNode a) {
        if (b.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = b.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode av = a.get(e.getKey());
                if (ORDERED_OBJECTS.contains(e.getKey()) && e.getValue().isObject() && !sameOrder(e.getValue(), av)
                        || e.getValue().isContainerNode() && !sameRolloutOrder(e.getValue(), av)) {
                    return false;
                }
            }
        } else if (b.isArray()) {
            for (int i = 0; i < b.size(); i++) {
                if (b.get(i).isContainerNode() && !sameRolloutOrder(b.get(i), a.get(i))) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Whether the members of {@code x} that {@code y} has too are in the same order in both. */
    static boolean sameOrder(JsonNode x, JsonNode y) {
        List<String> xs = new ArrayList<>();
        x.fieldNames().forEachRemaining(n -> {
            if (y.has(n)) {
                xs.add(n);
            }
        });
        List<String> ys = new ArrayList<>();
        y.fieldNames().forEachRemaining(n -> {
            if (x.has(n)) {
                ys.add(n);
            }
        });
        return xs.equals(ys);
    }

    /**
     * Where member {@code name} stands among the members of {@code b} and {@code a} (the same object before and
     * after): its index in {@code a}; a member removed from it, just after the member that preceded it in {@code b}
     * and is still there (removed neighbours in their order in {@code b}).
     */
    static double memberRank(JsonNode b, JsonNode a, String name) {
        if (a != null && a.has(name)) {
            return indexOf(a, name);
        }
        if (b == null) {
            return Double.MAX_VALUE;
        }
        double anchor = -1;
        int i = 0;
        for (Iterator<String> it = b.fieldNames(); it.hasNext(); i++) {
            String n = it.next();
            if (n.equals(name)) {
                return anchor + 0.5 + i / (2.0 * (b.size() + 1));
            }
            if (a != null && a.has(n)) {
                anchor = indexOf(a, n);
            }
        }
        return Double.MAX_VALUE;
    }

    private static int indexOf(JsonNode object, String name) {
        int i = 0;
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); i++) {
            if (it.next().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static int compareOrder(double[] x, double[] y) {
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c = Double.compare(x[i], y[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    }
}
