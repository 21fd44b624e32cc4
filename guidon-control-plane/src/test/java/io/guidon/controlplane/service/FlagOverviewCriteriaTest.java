package io.guidon.controlplane.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.FlagSort;
import org.junit.jupiter.api.Test;

/** The flag list's query: defaults, and every bad field named at once before anything is read. */
class FlagOverviewCriteriaTest {

    @Test
    void anEmptyQueryIsTheFirstPageOfFiftyByKeyAscending() {
        assertThat(FlagOverviewService.criteria(OverviewQuery.all()))
                .isEqualTo(new Overview.Criteria(null, null, FlagSort.KEY, false, 0, 50));
        assertThat(FlagOverviewService.criteria(new OverviewQuery(" ", "", " ", "", " ", "")))
                .isEqualTo(new Overview.Criteria(null, null, FlagSort.KEY, false, 0, 50));
    }

    @Test
    void theSearchIsTrimmedAndTheTagTakenAsIs() {
        assertThat(FlagOverviewService.criteria(new OverviewQuery("  Check Out ", " web", null, null, null, null)))
                .isEqualTo(new Overview.Criteria("Check Out", " web", FlagSort.KEY, false, 0, 50));
    }

    @Test
    void eachSortHasItsDefaultDirectionAndEitherDirectionCanBeAsked() {
        assertThat(FlagOverviewService.criteria(OverviewQuery.all().sortedBy("updated", null)).descending())
                .isTrue();
        assertThat(FlagOverviewService.criteria(OverviewQuery.all().sortedBy("evaluations", null)).descending())
                .isTrue();
        assertThat(FlagOverviewService.criteria(OverviewQuery.all().sortedBy("updated", "asc")).descending())
                .isFalse();
        Overview.Criteria c = FlagOverviewService.criteria(OverviewQuery.all().sortedBy("key", "desc"));
        assertThat(c.sort()).isEqualTo(FlagSort.KEY);
        assertThat(c.descending()).isTrue();
    }

    @Test
    void pagesAndSizesWithinTheirBoundsAreTaken() {
        Overview.Criteria c = FlagOverviewService.criteria(new OverviewQuery(null, null, null, null, "3", "200"));
        assertThat(c.page()).isEqualTo(3);
        assertThat(c.pageSize()).isEqualTo(200);
        assertThat(FlagOverviewService.criteria(new OverviewQuery(null, null, null, null, "0", "1")).pageSize())
                .isEqualTo(1);
    }

    @Test
    void everyBadFieldIsNamedInOneInvalidParameter() {
        assertThatThrownBy(() -> FlagOverviewService.criteria(new OverviewQuery("x".repeat(201), null, "name",
                "up", "-1", "201")))
                .isInstanceOfSatisfying(DomainException.class, e -> {
                    assertThat(e.kind()).isEqualTo(DomainException.Kind.INVALID_PARAMETER);
                    assertThat(e.violations()).extracting(v -> v.where().text())
                            .containsExactly("q", "sort", "direction", "page", "pageSize");
                    assertThat(e.violations()).extracting(v -> v.message()).containsExactly(
                            "must be at most 200 characters, not 201",
                            "must be one of key, updated, evaluations, not 'name'",
                            "must be asc or desc, not 'up'",
                            "must be a whole number from 0, not '-1'",
                            "must be a whole number from 1 to 200, not '201'");
                });
    }

    @Test
    void aPageSizeOfZeroAndNumbersThatAreNotWholeAreRefused() {
        for (String[] bad : new String[][] {{"0", "pageSize"}, {"ten", "pageSize"}, {"1.5", "pageSize"}}) {
            assertThatThrownBy(() -> FlagOverviewService.criteria(new OverviewQuery(null, null, null, null, null,
                    bad[0]))).isInstanceOfSatisfying(DomainException.class,
                            e -> assertThat(e.detail()).isEqualTo(bad[1]
                                    + ": must be a whole number from 1 to 200, not '" + bad[0] + "'"));
        }
        assertThatThrownBy(() -> FlagOverviewService.criteria(new OverviewQuery(null, null, null, null,
                "99999999999", null))).isInstanceOfSatisfying(DomainException.class,
                        e -> assertThat(e.violations()).extracting(v -> v.where().text()).containsExactly("page"));
        assertThatThrownBy(() -> FlagOverviewService.criteria(OverviewQuery.all().sortedBy("KEY", "DESC")))
                .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.violations())
                        .extracting(v -> v.where().text()).containsExactly("sort", "direction"));
    }

    @Test
    void aSearchWithAControlCharacterInsideIsRefused() {
        for (String q : new String[] {"a\tb", "line\nbreak", "unit\u001fseparator", "del\u007f"}) {
            assertThatThrownBy(() -> FlagOverviewService.criteria(OverviewQuery.search(q)))
                    .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.detail())
                            .isEqualTo("q: must not contain control characters (a line break, a tab...)"));
        }
        // Around it, whitespace is trimmed like spaces.
        assertThat(FlagOverviewService.criteria(OverviewQuery.search("\tcheckout\n")).q()).isEqualTo("checkout");
        assertThat(FlagOverviewService.criteria(OverviewQuery.search("caf\u00e9 \u00fcber")).q())
                .isEqualTo("caf\u00e9 \u00fcber");
    }

    @Test
    void theAppliedCriteriaGiveTheQueryOfAnyPage() {
        Overview.Criteria c = new Overview.Criteria("chk", "web", FlagSort.EVALUATIONS, true, 2, 25);
        OverviewQuery next = c.toQuery(3);
        assertThat(next).isEqualTo(new OverviewQuery("chk", "web", "evaluations", "desc", "3", "25"));
        assertThat(FlagOverviewService.criteria(next))
                .isEqualTo(new Overview.Criteria("chk", "web", FlagSort.EVALUATIONS, true, 3, 25));
    }
}
