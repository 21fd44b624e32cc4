package io.guidon.controlplane.ui.view;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.domain.RolloutPlan;
import io.guidon.controlplane.domain.RolloutPlanSpec;
import io.guidon.controlplane.domain.Schedule;
import io.guidon.controlplane.domain.StoredJson;
import io.guidon.controlplane.domain.Violation;
import io.guidon.json.Pointer;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The rollout pages' pure parts: the new-plan form read into the API's body (stage lines, numbers as numbers, a bad
 * line said in the form's words), violations named as the form names its fields, the actions each state allows, and
 * a guardrail chart's points placed within the drawing with the degraded check marked.
 */
class RolloutViewsTest {

    private static final OffsetDateTime T = OffsetDateTime.of(2026, 12, 1, 12, 0, 0, 0, ZoneOffset.UTC);

    @Test
    void theFormBecomesTheApisBodyWithStagesOnePerLine() {
        Map<String, String> fields = Map.of("environment", "production", "control", "off", "treatment", "on",
                "stages", "1 PT1H 100\r\n\n12.5 p1d 1000\n", "g0-event", "error", "g0-kind", "rate",
                "g0-direction", "lower_is_better", "g0-max", "0.1", "g0-scale", "relative", "alpha", "0.01");

        RolloutForm.Body body = RolloutForm.parse(fields::get).body();

        assertThat(body.problems()).isEmpty();
        assertThat(StoredJson.write(body.json())).isEqualTo("{\"control\":\"off\",\"treatment\":\"on\",\"stages\":["
                + "{\"percentage\":1,\"minDuration\":\"PT1H\",\"minExposures\":100},"
                + "{\"percentage\":12.5,\"minDuration\":\"P1D\",\"minExposures\":1000}],\"guardrails\":[{\"event\":"
                + "\"error\",\"kind\":\"rate\",\"direction\":\"lower_is_better\",\"maxDegradation\":0.1,\"scale\":"
                + "\"relative\"}],\"alpha\":0.01}");
        assertThat(RolloutPlanSpec.parse(body.json()).violations()).isEmpty();
    }

    @Test
    void aLineThatIsNotAStageIsSaidWithItsNumberAndTextIsLeftForTheSpecToJudge() {
        Map<String, String> fields = Map.of("control", "off", "treatment", "on", "stages", "5 PT1H\nten PT1H 3");

        RolloutForm.Body body = RolloutForm.parse(fields::get).body();

        assertThat(body.problems()).extracting(Violation::message).containsExactly("line 1 ('5 PT1H'): write the"
                + " percentage, the minimum duration and the minimum of users, such as 5 PT1H 1000");
        assertThat(body.json().at("/stages/0/percentage").asText()).isEqualTo("ten");
        assertThat(body.json().get("guardrails")).as("an empty guardrail row is left out").isEmpty();
    }

    @Test
    void violationsAreNamedAsTheFormNamesItsFields() {
        assertThat(RolloutForm.problem(new Violation(Pointer.of("stages").index(1).field("minDuration"), "bad")))
                .isEqualTo("Stage 2, minimum duration: bad");
        assertThat(RolloutForm.problem(new Violation(Pointer.of("guardrails").index(0), "bad")))
                .isEqualTo("Guardrail 1: bad");
        assertThat(RolloutForm.problem(Violation.of("control", "bad"))).isEqualTo("Control: bad");
        assertThat(RolloutForm.problem(new Violation(Pointer.ROOT, "bad"))).isEqualTo("bad");
    }

    @Test
    void eachStateOffersTheActionsItAllows() {
        assertThat(RolloutPlanView.actions(RolloutPlan.Status.PENDING)).containsExactly("start", "abort");
        assertThat(RolloutPlanView.actions(RolloutPlan.Status.RUNNING)).containsExactly("pause", "complete", "abort");
        assertThat(RolloutPlanView.actions(RolloutPlan.Status.PAUSED)).containsExactly("resume", "complete", "abort");
        assertThat(RolloutPlanView.actions(RolloutPlan.Status.ROLLED_BACK)).isEmpty();
        assertThat(RolloutPlanView.actions(RolloutPlan.Status.COMPLETED)).isEmpty();
    }

    private static RolloutPlan.Check check(long id, double estimate, Double lower, Double upper, boolean degraded) {
        String g = "[{\"event\":\"error\",\"kind\":\"rate\",\"estimate\":" + estimate + ",\"lower\":" + lower
                + ",\"upper\":" + upper + ",\"degraded\":" + degraded + ",\"enoughData\":true}]";
        return new RolloutPlan.Check(id, T.plusSeconds(id), 0, BigDecimal.TEN, 900, 100, 0, 900, 100, 0, 1,
                StoredJson.parse(g), degraded ? "rollback" : "hold", "r");
    }

    @Test
    void aGuardrailChartPlacesEachCheckWithinTheDrawingAndMarksTheDegradedOne() {
        RolloutPlanSpec spec = RolloutPlanSpec.parse(StoredJson.parse("{\"control\":\"off\",\"treatment\":\"on\","
                + "\"stages\":[{\"percentage\":10,\"minDuration\":\"PT1H\",\"minExposures\":0}],\"guardrails\":["
                + "{\"event\":\"error\",\"kind\":\"rate\",\"maxDegradation\":0.1}]}")).spec();
        RolloutPlan plan = new RolloutPlan(1, "production", "checkout", spec, RolloutPlan.Status.ROLLED_BACK, 0, T,
                BigDecimal.ZERO, null, "rollback: r", "r", null, 3, new Schedule.By(null, "alice"),
                new Schedule.By(null, "alice"), T, T, T, T);
        List<RolloutPlan.Check> checks = List.of(check(1, 0.5, null, null, false), check(2, 0.6, -1.0, 2.0, false),
                check(3, 1.0, 0.4, 1.6, true));

        RolloutPlanView view = RolloutPlanView.of(null, plan, checks, Instant.parse("2026-12-01T13:00:00Z"), null,
                null);

        RolloutPlanView.Chart chart = view.charts().get(0);
        assertThat(chart.points()).hasSize(3);
        assertThat(chart.points()).allSatisfy(p -> {
            assertThat(p.x()).isBetween((double) chart.left(), (double) chart.right());
            assertThat(p.low()).isBetween(0.0, (double) RolloutPlanView.HEIGHT);
            assertThat(p.high()).isLessThanOrEqualTo(p.low()).isGreaterThanOrEqualTo(0.0);
            assertThat(p.y()).isBetween(p.high(), p.low());
        });
        assertThat(chart.points()).extracting(RolloutPlanView.Point::degraded).containsExactly(false, false, true);
        assertThat(chart.allowanceY()).as("the allowance +10 % is drawn above 0").isLessThan(chart.zeroY());
        assertThat(chart.points().get(2).low()).as("the degraded interval lies wholly above the allowance")
                .isLessThan(chart.allowanceY());
        assertThat(view.stages().get(0).state()).isEqualTo("stopped here");
        assertThat(view.row().serving()).isEqualTo("0 % on, 100 % off");
    }
}
