package io.guidon.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Per-thread counts: every add is in the sum, whichever thread made it and however far the ids grow. */
class ThreadCountsTest {

    @Test
    void sumsTheAddsOfEventLoopThreadsAndOtherThreads() throws Exception {
        ThreadCounts counts = new ThreadCounts();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            // Two like Vert.x's event loops (each its own array), two plain threads (the shared one).
            Runnable adds = () -> {
                for (int round = 0; round < 10_000; round++) {
                    for (int id = 0; id < 200; id += 7) {
                        counts.increment(id);
                    }
                }
            };
            threads.add(t < 2 ? new FastThreadLocalThread(adds) : new Thread(adds));
        }
        for (Thread t : threads) {
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }

        for (int id = 0; id < 200; id++) {
            assertThat(counts.sum(id)).as("id %d", id).isEqualTo(id % 7 == 0 ? 40_000 : 0);
        }
        assertThat(counts.sum(5_000)).isZero();
    }

    @Test
    void aReaderSeesCountsWhileTheArraysGrow() throws Exception {
        ThreadCounts counts = new ThreadCounts();
        Thread loop = new FastThreadLocalThread(() -> {
            for (int id = 0; id < 10_000; id++) {
                counts.increment(id);
                counts.increment(0);
            }
        });
        loop.start();
        long seen = 0;
        while (loop.isAlive()) {
            long now = counts.sum(0);
            assertThat(now).isGreaterThanOrEqualTo(seen);
            seen = now;
        }
        loop.join();

        assertThat(counts.sum(0)).isEqualTo(10_001);
        assertThat(counts.sum(9_999)).isEqualTo(1);
    }
}
