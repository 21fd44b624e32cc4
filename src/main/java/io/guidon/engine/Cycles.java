package io.guidon.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/** Finds cycles in a reference graph (segments using segments, flags requiring flags), each reported once. */
final class Cycles {

    private Cycles() {
    }

    /**
     * Calls {@code report} with the node where each cycle was entered and the cycle as a path that ends where it
     * starts ({@code a -> b -> a}). Edges to nodes missing from the graph are ignored (reported elsewhere).
     */
    static void find(Map<String, ? extends Set<String>> graph, BiConsumer<String, List<String>> report) {
        Map<String, Integer> state = new HashMap<>(); // absent: unvisited, 1: on the stack, 2: done
        Set<Set<String>> reported = new HashSet<>();
        for (String start : graph.keySet()) {
            if (!state.containsKey(start)) {
                visit(start, graph, state, new ArrayList<>(), reported, report);
            }
        }
    }

    private static void visit(String node, Map<String, ? extends Set<String>> graph, Map<String, Integer> state,
            List<String> stack, Set<Set<String>> reported, BiConsumer<String, List<String>> report) {
        state.put(node, 1);
        stack.add(node);
        for (String next : graph.get(node)) {
            if (!graph.containsKey(next)) {
                continue;
            }
            Integer s = state.get(next);
            if (s == null) {
                visit(next, graph, state, stack, reported, report);
            } else if (s == 1) {
                List<String> cycle = new ArrayList<>(stack.subList(stack.indexOf(next), stack.size()));
                if (reported.add(new TreeSet<>(cycle))) {
                    cycle.add(next);
                    report.accept(next, cycle);
                }
            }
        }
        stack.remove(stack.size() - 1);
        state.put(node, 2);
    }
}
