package io.guidon.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * Walks reference graphs (segments using segments, flags requiring flags): finds cycles, each reported once, and
 * the longest chain below each node. Iterative, with an explicit stack: a document decides how long its chains
 * are, so the walk must not use the thread's stack (a 3,000-segment chain overflowed it).
 */
final class Cycles {

    private Cycles() {
    }

    /**
     * Calls {@code report} with the node where each cycle was entered and the cycle as a path that ends where it
     * starts ({@code a -> b -> a}). Edges to nodes missing from the graph are ignored (reported elsewhere).
     *
     * @return every node of the graph in post-order: a node after everything it references (unless in a cycle)
     */
    static List<String> find(Map<String, ? extends Set<String>> graph, BiConsumer<String, List<String>> report) {
        Map<String, Integer> state = new HashMap<>(); // absent: unvisited, 1: on the stack, 2: done
        Set<Set<String>> reported = new HashSet<>();
        List<String> postOrder = new ArrayList<>(graph.size());
        List<String> stack = new ArrayList<>();
        Deque<Iterator<String>> pending = new ArrayDeque<>();
        for (String start : graph.keySet()) {
            if (state.containsKey(start)) {
                continue;
            }
            state.put(start, 1);
            stack.add(start);
            pending.push(graph.get(start).iterator());
            while (!pending.isEmpty()) {
                Iterator<String> edges = pending.peek();
                if (!edges.hasNext()) {
                    pending.pop();
                    String done = stack.remove(stack.size() - 1);
                    state.put(done, 2);
                    postOrder.add(done);
                    continue;
                }
                String next = edges.next();
                if (!graph.containsKey(next)) {
                    continue;
                }
                Integer s = state.get(next);
                if (s == null) {
                    state.put(next, 1);
                    stack.add(next);
                    pending.push(graph.get(next).iterator());
                } else if (s == 1) {
                    List<String> cycle = new ArrayList<>(stack.subList(stack.lastIndexOf(next), stack.size()));
                    if (reported.add(new TreeSet<>(cycle))) {
                        cycle.add(next);
                        report.accept(next, cycle);
                    }
                }
            }
        }
        return postOrder;
    }

    /**
     * For an acyclic graph and its {@code postOrder} (from {@link #find}): each node's height, the number of nodes
     * on the longest chain of references that starts at it (1 for a node that references nothing).
     */
    static Map<String, Integer> heights(Map<String, ? extends Set<String>> graph, List<String> postOrder) {
        Map<String, Integer> heights = new HashMap<>(Math.max(16, postOrder.size() * 2));
        for (String node : postOrder) {
            int max = 0;
            for (String next : graph.get(node)) {
                Integer h = heights.get(next);
                if (h != null && h > max) {
                    max = h;
                }
            }
            heights.put(node, max + 1);
        }
        return heights;
    }

    /** The longest chain that starts at {@code node}, as {@code node -> ... -> leaf}, from its {@link #heights}. */
    static List<String> longestChain(Map<String, ? extends Set<String>> graph, Map<String, Integer> heights,
            String node) {
        List<String> chain = new ArrayList<>();
        String at = node;
        while (at != null) {
            chain.add(at);
            String deepest = null;
            int best = 0;
            for (String next : graph.get(at)) {
                Integer h = heights.get(next);
                if (h != null && h > best) {
                    best = h;
                    deepest = next;
                }
            }
            at = deepest;
        }
        return chain;
    }
}
