package io.guidon.controlplane.ui.view;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.domain.Environment;
import io.guidon.controlplane.domain.FlagDefinition;
import io.guidon.controlplane.domain.StoredJson;
import io.guidon.controlplane.events.DailyTotals;
import io.guidon.controlplane.events.ExposureReports;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The exposures page's numbers: every day of the range, the variants in their order, the totals, the chart data. */
class ExposuresViewTest {

    static final LocalDate D1 = LocalDate.of(2026, 1, 30);
    static final FlagDefinition FLAG = new FlagDefinition(1, "checkout", null, null, List.of(),
            StoredJson.parse("{\"off\": false, \"on\": true}"), null, null, 1, null, null);
    static final Environment PROD = new Environment(1, "production", "Production", null, true, 9, 0, 1, null, null);

    static ExposuresView view(List<DailyTotals.Day> days) {
        return ExposuresView.of(null, new ExposureReports.Report(FLAG, PROD, D1, D1.plusDays(2), days),
                List.of("production", "staging"), 3, ExposuresView.DAY_CHOICES);
    }

    @Test
    void everyDayIsARowAndTheDeclaredVariantsComeFirst() {
        ExposuresView v = view(List.of(new DailyTotals.Day(D1, "on", 10, 2), new DailyTotals.Day(D1, "legacy", 1, 0),
                new DailyTotals.Day(D1.plusDays(2), "off", 1200, 7)));
        assertThat(v.variants()).containsExactly("off", "on", "legacy");
        assertThat(v.rows()).extracting(ExposuresView.Row::day).containsExactly(D1, D1.plusDays(1), D1.plusDays(2));
        assertThat(v.rows().get(0).cells()).containsExactly(new ExposuresView.Cell(0, 0), new ExposuresView.Cell(10, 2),
                new ExposuresView.Cell(1, 0));
        assertThat(v.rows().get(1).cells()).containsOnly(new ExposuresView.Cell(0, 0));
        assertThat(v.totals()).containsExactly(new ExposuresView.Cell(1200, 7), new ExposuresView.Cell(10, 2),
                new ExposuresView.Cell(1, 0));
        assertThat(v.totalEvaluations()).isEqualTo(1211);
        assertThat(v.totalExposures()).isEqualTo(9);
        assertThat(v.empty()).isFalse();
        assertThat(ExposuresView.count(1_234_567)).isEqualTo("1,234,567");
    }

    @Test
    void theChartHasOneValuePerDayAndVariant() {
        ExposuresView v = view(List.of(new DailyTotals.Day(D1.plusDays(1), "on", 5, 1)));
        assertThat(StoredJson.parse(v.chartJson())).isEqualTo(StoredJson.parse("""
                {"labels": ["2026-01-30", "2026-01-31", "2026-02-01"],
                 "variants": [{"name": "off", "evaluations": [0, 0, 0], "exposures": [0, 0, 0]},
                              {"name": "on", "evaluations": [0, 5, 0], "exposures": [0, 1, 0]}]}
                """));
    }

    @Test
    void aRangeWithoutEventsIsEmptyAndLinksAreEncoded() {
        ExposuresView v = view(List.of());
        assertThat(v.empty()).isTrue();
        assertThat(v.rows()).hasSize(3);
        assertThat(v.url("pre prod", 7)).isEqualTo("/ui/flags/checkout/exposures?env=pre%20prod&days=7");
    }
}
