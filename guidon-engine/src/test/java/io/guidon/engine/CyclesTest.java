package io.guidon.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CyclesTest {

    /** Edges as "a>b" strings, in order, so that graphs read on one line. */
    private static Map<String, Set<String>> graph(String... nodesAndEdges) {
        Map<String, Set<String>> g = new LinkedHashMap<>();
        for (String s : nodesAndEdges) {
            String[] parts = s.split(">");
            g.computeIfAbsent(parts[0], k -> new LinkedHashSet<>());
            if (parts.length == 2) {
                g.get(parts[0]).add(parts[1]);
            }
        }
        return g;
    }

    private static List<String> cycles(Map<String, Set<String>> graph) {
        List<String> found = new ArrayList<>();
        Cycles.find(graph, (at, cycle) -> found.add(at + ": " + String.join(" -> ", cycle)));
        return found;
    }

    @Test
    void findsNothingInADag() {
        assertThat(cycles(graph("a>b", "a>c", "b>c", "c", "d>a"))).isEmpty();
    }

    @Test
    void findsASelfReference() {
        assertThat(cycles(graph("a>a"))).containsExactly("a: a -> a");
    }

    @Test
    void reportsACycleOnceWhereItWasEntered() {
        assertThat(cycles(graph("a>b", "b>c", "c>a"))).containsExactly("a: a -> b -> c -> a");
        assertThat(cycles(graph("x>a", "a>b", "b>a"))).containsExactly("a: a -> b -> a");
    }

    @Test
    void reportsSeparateCyclesSeparately() {
        assertThat(cycles(graph("a>b", "b>a", "c>d", "d>c"))).containsExactly("a: a -> b -> a", "c: c -> d -> c");
    }

    @Test
    void ignoresEdgesToUnknownNodes() {
        assertThat(cycles(graph("a>ghost", "b>a"))).isEmpty();
    }

    @Test
    void postOrderPutsEachNodeAfterWhatItReferences() {
        Map<String, Set<String>> g = graph("d>a", "a>b", "a>c", "b>c", "c");
        List<String> order = Cycles.find(g, (at, cycle) -> { });
        assertThat(order).containsExactlyInAnyOrder("a", "b", "c", "d");
        assertThat(order.indexOf("c")).isLessThan(order.indexOf("b"));
        assertThat(order.indexOf("b")).isLessThan(order.indexOf("a"));
        assertThat(order.indexOf("a")).isLessThan(order.indexOf("d"));
    }

    @Test
    void heightsAreTheLongestChainsAndTheChainCanBeShown() {
        Map<String, Set<String>> g = graph("d>a", "d>c", "a>b", "a>c", "b>c", "c");
        Map<String, Integer> heights = Cycles.heights(g, Cycles.find(g, (at, cycle) -> { }));
        assertThat(heights).containsEntry("c", 1).containsEntry("b", 2).containsEntry("a", 3).containsEntry("d", 4);
        assertThat(Cycles.longestChain(g, heights, "d")).containsExactly("d", "a", "b", "c");
    }

    @Test
    void aHundredThousandLongChainNeedsNoStack() {
        Map<String, Set<String>> g = new LinkedHashMap<>();
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            g.put("n" + i, i + 1 < n ? Set.of("n" + (i + 1)) : Set.of());
        }
        List<String> order = Cycles.find(g, (at, cycle) -> { throw new AssertionError("no cycle: " + at); });
        assertThat(order).hasSize(n).startsWith("n" + (n - 1)).endsWith("n0");
        assertThat(Cycles.heights(g, order)).containsEntry("n0", n);
        g.put("n" + (n - 1), Set.of("n0"));
        assertThat(cycles(g)).singleElement().satisfies(c -> assertThat(c).startsWith("n0: n0 -> n1 -> "));
    }
}
