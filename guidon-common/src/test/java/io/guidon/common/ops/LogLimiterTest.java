package io.guidon.common.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A flood of one failure logs one line per kind per interval, counting the rest; the stack trace only once. */
class LogLimiterTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final LogLimiter limiter = new LogLimiter(10_000, nanos::get);

    @Test
    void aFloodOfOneKindLogsItsFirstWithTheTraceThenOneLinePerIntervalWithTheCountOfTheOthers() {
        assertThat(limiter.admit("POOL")).isEqualTo(new LogLimiter.Decision(true, true, 0));
        int logged = 0;
        for (int i = 0; i < 176; i++) {
            nanos.addAndGet(1_000_000L); // 177 requests within 177 ms, as in the finding
            logged += limiter.admit("POOL").log() ? 1 : 0;
        }
        assertThat(logged).isZero();

        nanos.addAndGet(10_000_000_000L);
        assertThat(limiter.admit("POOL")).isEqualTo(new LogLimiter.Decision(true, false, 176));
        nanos.addAndGet(1_000_000L);
        assertThat(limiter.admit("POOL").log()).isFalse();
        nanos.addAndGet(10_000_000_000L);
        assertThat(limiter.admit("POOL")).isEqualTo(new LogLimiter.Decision(true, false, 1));
    }

    @Test
    void eachKindHasItsOwnBudget() {
        assertThat(limiter.admit("POOL").first()).isTrue();
        assertThat(limiter.admit("CONNECTION").first()).isTrue();
        assertThat(limiter.admit("POOL").log()).isFalse();
        assertThat(limiter.admit("CONNECTION").log()).isFalse();
    }
}
