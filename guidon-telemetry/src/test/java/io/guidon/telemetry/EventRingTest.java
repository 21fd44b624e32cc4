package io.guidon.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EventRingTest {

    @Test
    void capacityIsThePowerOfTwoAtOrAboveTheSizeAsked() {
        assertThat(new EventRing(1).capacity()).isEqualTo(1);
        assertThat(new EventRing(5).capacity()).isEqualTo(8);
        assertThat(new EventRing(8192).capacity()).isEqualTo(8192);
    }

    @Test
    void aFullRingRefusesAndEventsComeOutInOrder() {
        EventRing ring = new EventRing(4);
        for (int i = 0; i < 4; i++) {
            assertThat(ring.offer(null, "f" + i, null, null, null, i, i)).isTrue();
        }
        assertThat(ring.offer(null, "f4", null, null, null, 4, 4)).as("full").isFalse();
        assertThat(ring.size()).isEqualTo(4);
        for (int i = 0; i < 4; i++) {
            EventRing.Slot s = ring.peek();
            assertThat(s.flagKey).isEqualTo("f" + i);
            assertThat(s.version).isEqualTo(i);
            ring.release(s);
            assertThat(s.flagKey).as("references are cleared").isNull();
        }
        assertThat(ring.peek()).isNull();
        assertThat(ring.offer(null, "again", null, null, null, 5, 5)).as("room on the next lap").isTrue();
        assertThat(ring.peek().flagKey).isEqualTo("again");
    }

    @Test
    void concurrentProducersLoseNothingThatWasAcceptedAndDuplicateNothing() throws Exception {
        EventRing ring = new EventRing(256);
        int producers = 4;
        int each = 50_000;
        AtomicLong accepted = new AtomicLong();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int id = p;
            Thread t = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    if (ring.offer(null, "k", null, null, null, id * (long) each + i, 0)) {
                        accepted.incrementAndGet();
                    }
                }
            });
            t.start();
            threads.add(t);
        }
        Set<Long> seen = new HashSet<>();
        long[] lastPerProducer = new long[producers];
        java.util.Arrays.fill(lastPerProducer, -1);
        go.countDown();
        boolean running = true;
        while (running || ring.peek() != null) {
            running = threads.stream().anyMatch(Thread::isAlive);
            EventRing.Slot s;
            while ((s = ring.peek()) != null) {
                long v = s.version;
                int producer = (int) (v / each);
                assertThat(v).as("each producer's events in its order").isGreaterThan(lastPerProducer[producer]);
                lastPerProducer[producer] = v;
                assertThat(seen.add(v)).as("no event twice").isTrue();
                ring.release(s);
            }
        }
        assertThat((long) seen.size()).isEqualTo(accepted.get());
        assertThat(accepted.get()).isPositive();
    }
}
