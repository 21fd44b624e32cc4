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
}
