package io.guidon.controlplane.ui.view;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The flag list's links (sort, paging, tags: only what differs from the defaults), its header states and texts. */
class FlagListViewTest {

    private static FlagListCriteria byKey() {
        return new FlagListCriteria(null, null, "key", false, 1, 50);
    }

    @Test
    void theDefaultQueryIsThePlainPath() {
        assertThat(byKey().url()).isEqualTo("/ui/flags");
        assertThat(byKey().pageUrl(2)).isEqualTo("/ui/flags?page=2");
        assertThat(byKey().pageUrl(1)).isEqualTo("/ui/flags");
        assertThat(byKey().sortField()).isEmpty();
        assertThat(byKey().directionField()).isEmpty();
        assertThat(byKey().pageSizes()).containsExactly(25, 50, 100, 200);
        assertThat(new FlagListCriteria(null, null, "key", false, 1, 30).pageSizes()).containsExactly(25, 30, 50, 100,
                200);
    }

    @Test
    void linksKeepTheRestOfTheQueryEncoded() {
        FlagListCriteria c = new FlagListCriteria("pay & go", "team a", "updated", true, 3, 100);
        assertThat(c.url()).isEqualTo("/ui/flags?q=pay%20%26%20go&tag=team%20a&sort=updated&page=3&pageSize=100");
        assertThat(c.pageUrl(4)).contains("page=4").contains("q=pay%20%26%20go");
        assertThat(c.tagUrl("ops")).isEqualTo("/ui/flags?q=pay%20%26%20go&tag=ops&sort=updated&pageSize=100");
        assertThat(c.tagUrl(null)).doesNotContain("tag=");
        assertThat(c.sortField()).isEqualTo("updated");
        assertThat(c.directionField()).as("descending is updated's default").isEmpty();
    }

    @Test
    void aHeaderTogglesItsOwnSortAndStartsAnotherInItsDefaultDirectionFromPageOne() {
        FlagListCriteria c = new FlagListCriteria(null, null, "key", false, 5, 50);
        assertThat(c.sortUrl("key")).isEqualTo("/ui/flags?direction=desc");
        assertThat(c.sortUrl("evaluations")).isEqualTo("/ui/flags?sort=evaluations");
        assertThat(c.sortUrl("updated")).isEqualTo("/ui/flags?sort=updated");
        assertThat(c.ariaSort("key")).isEqualTo("ascending");
        assertThat(c.ariaSort("updated")).isNull();
        assertThat(c.arrow("key")).isEqualTo("\u25b2");
        assertThat(c.sortAction("key", "key")).isEqualTo("Sort by key, descending");
        assertThat(c.sortAction("evaluations", "evaluations")).isEqualTo("Sort by evaluations, descending");

        FlagListCriteria busiest = new FlagListCriteria(null, null, "evaluations", true, 1, 50);
        assertThat(busiest.ariaSort("evaluations")).isEqualTo("descending");
        assertThat(busiest.sortUrl("evaluations")).isEqualTo("/ui/flags?sort=evaluations&direction=asc");
        assertThat(busiest.sortUrl("key")).isEqualTo("/ui/flags");
        FlagListCriteria quietest = new FlagListCriteria(null, null, "evaluations", false, 1, 50);
        assertThat(quietest.directionField()).isEqualTo("asc");
        assertThat(quietest.arrow("evaluations")).isEqualTo("\u25b2");
    }

    @Test
    void thePageParameterIsAWholeNumberFromOne() {
        assertThat(FlagListCriteria.pageParam(null)).isEqualTo(1);
        assertThat(FlagListCriteria.pageParam(" ")).isEqualTo(1);
        assertThat(FlagListCriteria.pageParam("7")).isEqualTo(7);
        assertThat(FlagListCriteria.pageParam("0")).isEqualTo(-1);
        assertThat(FlagListCriteria.pageParam("-2")).isEqualTo(-1);
        assertThat(FlagListCriteria.pageParam("two")).isEqualTo(-1);
        assertThat(FlagListCriteria.pageParam("99999999999")).isEqualTo(-1);
    }

    @Test
    void theSummaryAndPagerSayWhatIsShown() {
        FlagListView all = view(new FlagListCriteria(null, null, "key", false, 1, 50), 5000, 100);
        assertThat(all.summary()).isEqualTo("5,000 flags");
        assertThat(all.pageText()).isEqualTo("Page 1 of 100");
        assertThat(all.hasPrevious()).isFalse();
        assertThat(all.hasNext()).isTrue();
        FlagListView one = view(new FlagListCriteria("pay", "checkout", "key", false, 1, 50), 1, 1);
        assertThat(one.summary()).isEqualTo("1 flag matches \u201cpay\u201d tagged \u201ccheckout\u201d");
        assertThat(one.hasNext()).isFalse();
        FlagListView last = view(new FlagListCriteria("x", null, "key", false, 3, 50), 120, 3);
        assertThat(last.summary()).isEqualTo("120 flags match \u201cx\u201d");
        assertThat(last.hasPrevious()).isTrue();
        assertThat(last.hasNext()).isFalse();
        assertThat(FlagListView.count(1234567)).isEqualTo("1,234,567");
    }

    @Test
    void aCellSaysWhatItServesAndItsRulesAndTargetsWhenOn() {
        assertThat(new FlagListView.Cell("prod", true, "on", false, 0, 0, true).detail()).isEqualTo("serves on");
        assertThat(new FlagListView.Cell("prod", true, "on 25%, off 75%", true, 2, 1, true).detail())
                .isEqualTo("rollout on 25%, off 75% \u00b7 2 rules \u00b7 1 target");
        assertThat(new FlagListView.Cell("prod", false, "off", false, 3, 4, true).detail())
                .as("rules do not apply while off").isEqualTo("serves off");
        assertThat(new FlagListView.Cell("prod", false, "", false, 0, 0, false).detail()).isEmpty();
        assertThat(new FlagListView.Column("production", "Production").showsKey()).isFalse();
        assertThat(new FlagListView.Column("prod-eu", "Production (EU)").showsKey()).isTrue();
        assertThat(new FlagListView.Column("qa", "").label()).isEqualTo("qa");
    }

    private static FlagListView view(FlagListCriteria c, long total, int pages) {
        return new FlagListView(null, c, List.of(), List.of(), total, pages, List.of(), false, Instant.EPOCH);
    }
}
