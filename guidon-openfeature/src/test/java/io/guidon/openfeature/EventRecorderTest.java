package io.guidon.openfeature;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.engine.EvaluationContext;
import io.guidon.engine.EvaluationResult;
import io.guidon.engine.Evaluator;
import io.guidon.engine.FlagDocumentCompiler;
import io.guidon.engine.FlagSet;
import io.guidon.protocol.events.EventBatch;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What the provider records of its evaluations before the flusher sends it: per-minute counts of each (flag,
 * variant), one exposure per (flag, variant, targeting key) and window, a bounded queue whose overflow is counted,
 * not waited for, and targeting keys the control plane would refuse counted but not queued.
 */
class EventRecorderTest {

    private static final FlagSet FLAGS = new FlagDocumentCompiler().compile("""
            {"flags": {"f": {"enabled": true, "variants": {"on": true, "off": false}, "offVariant": "off",
              "targets": [{"variant": "off", "values": ["blocked"]}], "fallthrough": {"variant": "on"}}}}""")
            .flagSet();

    private static EvaluationResult eval(String key) {
        return new Evaluator().evaluate(FLAGS, "f", EvaluationContext.of(Map.of("targetingKey", key)));
    }

    @Test
    void countsEveryEvaluationAndQueuesTheFirstExposureOfEachKeyAndVariant() {
        EventRecorder r = new EventRecorder(true, 100, 1000, 60_000);
        long now = System.currentTimeMillis();
        for (String key : new String[] {"a", "b", "a", "a", "blocked", "b"}) {
            r.read(eval(key), key, now);
        }

        EventRecorder.Drained d = r.drain(60_000);

        assertThat(d.counts()).extracting(EventRecorder.Count::variant, EventRecorder.Count::count)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("on", 5L),
                        org.assertj.core.groups.Tuple.tuple("off", 1L));
        assertThat(d.exposures()).extracting(EventRecorder.Exposure::targetingKey, EventRecorder.Exposure::variant)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a", "on"),
                        org.assertj.core.groups.Tuple.tuple("b", "on"),
                        org.assertj.core.groups.Tuple.tuple("blocked", "off"));
        assertThat(r.drain(120_000).size()).isZero();
    }

    @Test
    void aReadWithoutATargetingKeyIsCountedButIsNoExposure() {
        EventRecorder r = new EventRecorder(true, 100, 1000, 60_000);
        r.read(new Evaluator().evaluate(FLAGS, "f", EvaluationContext.of(Map.of())), null, 1L);

        EventRecorder.Drained d = r.drain(0);
        assertThat(d.counts()).extracting(EventRecorder.Count::variant, EventRecorder.Count::count)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("on", 1L));
        assertThat(d.exposures()).as("an anonymous read cannot be attributed").isEmpty();
        assertThat(r.unrecordable()).as("nor is it unrecordable: there was nothing to record").isZero();
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfWaiting() {
        EventRecorder r = new EventRecorder(true, 2, 1000, 60_000);
        for (int i = 0; i < 5; i++) {
            r.track(new EventRecorder.Conversion("u" + i, "bought", null, 1L));
        }

        assertThat(r.dropped()).isEqualTo(3);
        assertThat(r.drain(0).conversions()).hasSize(2);
        r.track(new EventRecorder.Conversion("u9", "bought", 1.0, 1L));
        assertThat(r.drain(0).conversions()).hasSize(1);
    }

    @Test
    void aTargetingKeyTheControlPlaneWouldRefuseIsCountedButNotQueued() {
        EventRecorder r = new EventRecorder(true, 100, 1000, 60_000);
        String tooLong = "k".repeat(300);
        r.read(eval(tooLong), tooLong, 1L);

        EventRecorder.Drained d = r.drain(0);
        assertThat(d.counts()).hasSize(1);
        assertThat(d.exposures()).isEmpty();
        assertThat(r.unrecordable()).isEqualTo(1);
    }

    @Test
    void withExposureReportingOffNothingOfEvaluationsIsRecorded() {
        EventRecorder r = new EventRecorder(false, 100, 1000, 60_000);
        r.read(eval("a"), "a", 1L);

        assertThat(r.recordsEvaluations()).isFalse();
        assertThat(r.drain(0).size()).isZero();
    }

    @Test
    void aDrainBecomesTheProtocolsEventBatch() {
        EventRecorder r = new EventRecorder(true, 100, 1000, 60_000);
        r.read(eval("a"), "a", 1_700_000_000_000L);
        r.track(new EventRecorder.Conversion("a", "bought", 9.5, 1_700_000_001_000L));
        UUID id = UUID.randomUUID();
        UUID sidecar = UUID.randomUUID();

        EventBatch batch = ControlPlaneEventDelivery.batch(id, sidecar, 1_700_000_002_000L, r.drain(1_699_999_980_000L));

        assertThat(batch.batchId()).isEqualTo(id);
        assertThat(batch.sidecarId()).isEqualTo(sidecar);
        assertThat(batch.counts()).singleElement().satisfies(c -> {
            assertThat(c.flag()).isEqualTo("f");
            assertThat(c.minute().toEpochMilli()).isEqualTo(1_699_999_980_000L);
            assertThat(c.count()).isEqualTo(1);
            assertThat(c.problem()).isNull();
        });
        assertThat(batch.exposures()).singleElement().satisfies(x -> assertThat(x.problem()).isNull());
        assertThat(batch.conversions()).singleElement().satisfies(c -> {
            assertThat(c.value()).isEqualTo(9.5);
            assertThat(c.problem()).isNull();
        });
    }
}
