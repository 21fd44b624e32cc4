package io.guidon.controlplane.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.ProposedChange;
import io.guidon.controlplane.domain.Schedule;
import io.guidon.controlplane.domain.Violation;
import io.guidon.controlplane.store.ScheduleRepository;
import io.guidon.json.Pointer;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Why a due schedule is not applied, in the words its record and the audit log keep. */
class ScheduleReasonsTest {

    static final OffsetDateTime DUE = OffsetDateTime.parse("2026-12-07T08:00:00Z");

    private static ScheduleRepository.Claimed claimed(boolean environment, boolean flag, OffsetDateTime revoked) {
        Schedule s = new Schedule(42, "production", "checkout", DUE,
                new ProposedChange.Toggle("production", "checkout", true), 3, Schedule.IfChanged.FAIL,
                Schedule.Status.PENDING, new Schedule.By(UUID.randomUUID(), "alice"), DUE.minusDays(1), null, false,
                null, null, null, null, null);
        return new ScheduleRepository.Claimed(s, 1, "acme", environment, flag, flag && environment ? 5 : null,
                revoked, DUE.plusSeconds(1));
    }

    @Test
    void aRevokedKeyComesFirstThenWhatWasDeleted() {
        assertThat(ScheduleService.refusal(claimed(true, true, null))).isNull();
        assertThat(ScheduleService.refusal(claimed(false, false, DUE.minusHours(1)))).isEqualTo("the key that"
                + " scheduled it (alice) was revoked at 2026-12-07T07:00:00Z: a revoked key's changes are not"
                + " applied later");
        assertThat(ScheduleService.refusal(claimed(false, false, null)))
                .isEqualTo("environment 'production' was deleted after it was scheduled");
        assertThat(ScheduleService.refusal(claimed(true, false, null)))
                .isEqualTo("flag 'checkout' was deleted after it was scheduled");
    }

    @Test
    void aRefusedChangeSaysWhatChangedOrWhatNoLongerFits() {
        assertThat(ScheduleService.reason(claimed(true, true, null), DomainException.stale("whatever")))
                .isEqualTo("flag 'checkout' in 'production' changed after it was scheduled (revision 3 then, 5 now)"
                        + " and ifChanged is fail: nothing was applied");
        assertThat(ScheduleService.reason(claimed(true, true, null), DomainException.invalid(List.of(
                new Violation(Pointer.of("fallthrough", "rollout", "green"), "variant 'green' is not declared"),
                new Violation(Pointer.ROOT, "no configuration to apply")))))
                .isEqualTo("the change no longer fits the flag: fallthrough.rollout.green: variant 'green' is not"
                        + " declared; no configuration to apply");
        assertThat(ScheduleService.reason(claimed(true, true, null), DomainException.notFound("no flag 'checkout'")))
                .isEqualTo("it could not be applied: no flag 'checkout'");
    }
}
