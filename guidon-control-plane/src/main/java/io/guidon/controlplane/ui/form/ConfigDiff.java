package io.guidon.controlplane.ui.form;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.domain.StoredJson;
import io.guidon.json.Pointer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What changes between two JSON values, member by member and element by element, each change with its place: a
 * small structural diff for the review step. The order of a rollout's variants is its bucket order, so a rollout
 * whose variants were only reordered is a change. (The control plane's readable diff of the audit history
 * replaces this when it is available; the review step reads changes through one method.)
 */
public final class ConfigDiff {

    /** What happened at a place. */
    public enum Kind {
        ADDED, REMOVED, CHANGED
    }

    /** One change: its kind, its place, and the values before and after (null when absent). */
    public record Change(Kind kind, Pointer where, JsonNode before, JsonNode after) {
    }

    private ConfigDiff() {
    }

    /** The changes from {@code before} to {@code after}, in document order. */
    public static List<Change> between(JsonNode before, JsonNode after) {
        List<Change> out = new ArrayList<>();
        // Read both as stored, so that equal numbers are equal nodes whichever way they were built.
        diff(Pointer.ROOT, stored(before), stored(after), out);
        return out;
    }

    private static void diff(Pointer at, JsonNode b, JsonNode a, List<Change> out) {
        if (b == null || b.isMissingNode()) {
            if (a != null && !a.isMissingNode()) {
                out.add(new Change(Kind.ADDED, at, null, a));
            }
            return;
        }
        if (a == null || a.isMissingNode()) {
            out.add(new Change(Kind.REMOVED, at, b, null));
            return;
        }
        if (b.isObject() && a.isObject()) {
            boolean rollout = at.size() > 0 && at.token(at.size() - 1).equals("rollout");
            if (rollout && b.equals(a) && !sameOrder(b, a)) {
                out.add(new Change(Kind.CHANGED, at, b, a));
                return;
            }
            Set<String> names = new LinkedHashSet<>();
            b.fieldNames().forEachRemaining(names::add);
            a.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                diff(at.field(name), b.get(name), a.get(name), out);
            }
            return;
        }
        if (b.isArray() && a.isArray()) {
            int common = Math.min(b.size(), a.size());
            for (int i = 0; i < common; i++) {
                diff(at.index(i), b.get(i), a.get(i), out);
            }
            for (int i = common; i < b.size(); i++) {
                out.add(new Change(Kind.REMOVED, at.index(i), b.get(i), null));
            }
            for (int i = common; i < a.size(); i++) {
                out.add(new Change(Kind.ADDED, at.index(i), null, a.get(i)));
            }
            return;
        }
        if (!b.equals(a)) {
            out.add(new Change(Kind.CHANGED, at, b, a));
        }
    }

    private static JsonNode stored(JsonNode n) {
        return n == null ? null : StoredJson.parse(StoredJson.write(n));
    }

    private static boolean sameOrder(JsonNode b, JsonNode a) {
        Iterator<String> x = b.fieldNames();
        Iterator<String> y = a.fieldNames();
        while (x.hasNext() && y.hasNext()) {
            if (!x.next().equals(y.next())) {
                return false;
            }
        }
        return !x.hasNext() && !y.hasNext();
    }
}
