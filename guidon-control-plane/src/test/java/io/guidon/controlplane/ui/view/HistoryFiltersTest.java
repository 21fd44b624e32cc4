package io.guidon.controlplane.ui.view;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.service.AuditService;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The history page's filters: read from the query, checked by field, turned into the audit query and URLs. */
class HistoryFiltersTest {

    static HistoryFilters parse(Map<String, String> q) {
        return HistoryFilters.parse(q::get);
    }

    @Test
    void blankFiltersAreAbsentAndTheDaysBecomeAHalfOpenRangeOfInstants() {
        HistoryFilters f = parse(Map.of("type", "flag", "env", " production ", "action", "", "actor", "release bot",
                "from", "2026-01-30", "to", "2026-01-31", "after", "42"));
        assertThat(f.problems()).isEmpty();
        assertThat(f.action()).isNull();
        assertThat(f.query(HistoryScope.tenant())).isEqualTo(new AuditService.Query("flag", null, "production",
                null, "2026-01-30T00:00:00Z", "2026-02-01T00:00:00Z", "42", "release bot"));
    }

    @Test
    void theScopeFixesTheResourceItsTypeAndASegmentsEnvironment() {
        HistoryFilters f = parse(Map.of("type", "key", "env", "staging"));
        assertThat(f.query(HistoryScope.flag("checkout"))).isEqualTo(new AuditService.Query("flag", "checkout",
                "staging", null, null, null, null, null));
        assertThat(f.query(HistoryScope.segment("production", "beta"))).isEqualTo(new AuditService.Query("segment",
                "beta", "production", null, null, null, null, null));
    }

    @Test
    void eachFilterThatIsNotValidIsNamed() {
        HistoryFilters f = parse(Map.of("type", "user", "from", "2026-02-31", "to", "31/01/2026", "after", "x",
                "actor", "a".repeat(201)));
        assertThat(f.problems()).containsOnlyKeys("type", "from", "to", "after", "actor");
        assertThat(f.problems().get("type"))
                .isEqualTo("Choose one of change_request, environment, experiment, flag, key, metric, rollout_plan,"
                        + " schedule, segment, tenant, webhook.");
        assertThat(f.problems().get("from")).isEqualTo("Enter a date as YYYY-MM-DD, such as 2026-01-31.");
        assertThat(parse(Map.of("from", "2026-02-01", "to", "2026-01-01")).problems())
                .containsExactly(Map.entry("to", "The last day (2026-01-01) is before the first (2026-02-01)."));
    }

    @Test
    void urlsKeepTheFiltersThePageOffersEncoded() {
        HistoryFilters f = parse(Map.of("type", "flag", "env", "prod", "actor", "Zoë & co", "from", "2026-01-01"));
        assertThat(f.url(HistoryScope.tenant(), "17")).isEqualTo(
                "/ui/history?type=flag&env=prod&actor=Zo%C3%AB%20%26%20co&from=2026-01-01&after=17");
        assertThat(f.url(HistoryScope.segment("prod", "a b"), null)).isEqualTo(
                "/ui/segments/prod/a%20b/history?actor=Zo%C3%AB%20%26%20co&from=2026-01-01");
        assertThat(parse(Map.of()).url(HistoryScope.flag("x"), null)).isEqualTo("/ui/flags/x/history");
        assertThat(f.any()).isTrue();
        assertThat(parse(Map.of("after", "3")).any()).isFalse();
    }
}
