package io.guidon.controlplane.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.auth.Role;
import io.guidon.controlplane.domain.AnalysisPlan;
import io.guidon.controlplane.service.ExperimentAnalysis;
import io.guidon.controlplane.service.ExperimentResultsService;
import io.guidon.controlplane.domain.ExperimentUser;
import io.guidon.json.ValueChecks;
import io.guidon.stats.Inference;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * An experiment's results (docs/experiments.md "Results", docs/adr/0119-experiment-results.md):
 * {@code GET /api/v1/experiments/{id}/results} ({@code ?refresh=true} recomputes the snapshot),
 * {@code GET .../results/daily} (cumulative per completed UTC day) and {@code GET .../users.csv} (the per-user table,
 * streamed in chunks: bounded memory whatever the number of users). 404 for an experiment not in the key's tenant,
 * 409 for a draft. The handlers run on virtual threads ({@link AdminThreads}).
 */
public final class ExperimentResultRoutes {

    private final ExperimentResultsService results;
    private final AdminThreads threads;

    public ExperimentResultRoutes(ExperimentResultsService results, AdminThreads threads) {
        this.results = results;
        this.threads = threads;
    }

    public void register(ApiRouter api) {
        String experiment = Routes.V1 + "/experiments/:id";
        api.add(HttpMethod.GET, experiment + "/results", Role.VIEWER, "Read an experiment's results: per metric and"
                + " variant the users, value, lift against the control with its interval and p-value (or chance to"
                + " beat control), the SRM check, the corrections and the verdict", List.of("refresh"),
                this::current);
        api.add(HttpMethod.GET, experiment + "/results/daily", Role.VIEWER, "Read an experiment's results over time:"
                + " cumulative as of the end of each completed UTC day", this::daily);
        api.add(HttpMethod.GET, experiment + "/users.csv", Role.VIEWER, "Export an experiment's per-user table as"
                + " CSV: targeting key, variant, first exposure and each metric's amounts", this::users);
    }

    private static long id(Call call) {
        String id = call.param("id");
        if (id == null || !id.matches("[0-9]{1,18}")) {
            throw ApiException.notFound("no experiment '" + ValueChecks.printable(String.valueOf(id), 40) + "'");
        }
        return Long.parseLong(id);
    }

    private Future<Reply> current(Call call) {
        long id = id(call);
        boolean refresh = "true".equals(call.query("refresh"));
        return threads.run(() -> Reply.ok(results(results.results(call.tenantId(), id, refresh))));
    }

    private Future<Reply> daily(Call call) {
        long id = id(call);
        return threads.run(() -> {
            List<ExperimentAnalysis.Results> days = results.daily(call.tenantId(), id);
            ObjectNode o = Json.object();
            ArrayNode items = o.putArray("days");
            for (ExperimentAnalysis.Results r : days) {
                items.add(results(r));
            }
            return Reply.ok(o);
        });
    }

    private Future<Reply> users(Call call) {
        long id = id(call);
        return threads.run(() -> {
            ExperimentResultsService.Export export = results.export(call.tenantId(), id);
            return Reply.streamed(200, ExperimentUsersCsv.streamer(results, export, threads))
                    .header("Content-Type", ExperimentUsersCsv.CONTENT_TYPE)
                    .header("Content-Disposition", ExperimentUsersCsv.disposition(id));
        });
    }

    /** The results as JSON (docs/experiments.md "Results" describes every field; NaN and ±∞ are null). */
    static ObjectNode results(ExperimentAnalysis.Results r) {
        AnalysisPlan p = r.plan();
        ObjectNode o = Json.object();
        ObjectNode e = o.putObject("experiment");
        e.put("id", p.id());
        e.put("key", p.key());
        e.put("name", p.name());
        e.put("version", p.version());
        e.put("status", p.status());
        e.put("environment", p.environmentKey());
        e.put("flag", p.flagKey());
        e.put("control", p.controlVariant());
        e.put("method", p.bayesian() ? "bayesian" : "frequentist");
        e.put("sequential", p.sequential());
        e.put("alpha", p.alpha());
        e.put("power", p.power());
        e.put("minimumDetectableEffect", p.minimumDetectableEffect());
        e.put("correction", p.correction());
        e.put("cupedSeconds", p.cupedSeconds());
        e.put("startAt", instant(p.startAt()));
        e.put("endAt", instant(p.endAt()));
        ObjectNode s = o.putObject("snapshot");
        s.put("day", r.snapshot().day() == null ? null : r.snapshot().day().toString());
        s.put("asOf", instant(r.snapshot().asOf()));
        s.put("computedAt", instant(r.snapshot().computedAt()));
        s.put("durationMs", r.snapshot().durationMs());
        ObjectNode a = o.putObject("analysis");
        a.put("method", r.method());
        a.put("correction", r.correction());
        ObjectNode users = o.putObject("users");
        r.srm().users().forEach(users::put);
        o.put("excludedUsers", r.snapshot().sums().excluded());
        ObjectNode srm = o.putObject("srm");
        number(srm, "chi2", r.srm().chi2());
        srm.put("degreesOfFreedom", r.srm().degreesOfFreedom());
        number(srm, "p", r.srm().pValue());
        srm.put("threshold", r.srm().threshold());
        srm.put("mismatch", r.srm().mismatch());
        ObjectNode share = srm.putObject("expectedShare");
        r.srm().expectedShare().forEach(share::put);
        ArrayNode metrics = o.putArray("metrics");
        for (ExperimentAnalysis.MetricResult m : r.metrics()) {
            metrics.add(metric(m));
        }
        ObjectNode v = o.putObject("verdict");
        v.put("decision", r.verdict().decision());
        v.put("variant", r.verdict().variant());
        v.put("reason", r.verdict().reason());
        ObjectNode size = o.putObject("sampleSize");
        size.put("neededPerArm", r.progress().neededPerArm());
        size.put("smallestArm", r.progress().smallestArm());
        size.put("progress", r.progress().fraction());
        return o;
    }

    private static ObjectNode metric(ExperimentAnalysis.MetricResult r) {
        AnalysisPlan.Metric m = r.metric();
        ObjectNode o = Json.object();
        o.put("key", m.key());
        o.put("name", m.name());
        o.put("role", m.role().jsonName());
        o.put("kind", m.kind().jsonName());
        o.put("direction", m.higherIsBetter() ? "higher_is_better" : "lower_is_better");
        ArrayNode variants = o.putArray("variants");
        for (ExperimentAnalysis.ArmResult a : r.arms()) {
            ObjectNode v = variants.addObject();
            v.put("variant", a.variant());
            v.put("control", a.comparison() == null);
            v.put("users", a.users());
            v.put("conversions", a.conversions());
            number(v, "value", a.value());
            number(v, "numerator", a.numerator());
            v.put("denominator", a.denominator());
            v.put("cap", a.cap());
            ExperimentAnalysis.Comparison c = a.comparison();
            if (c == null) {
                continue;
            }
            ObjectNode cmp = v.putObject("comparison");
            inference(cmp.putObject("absolute"), c.absolute());
            inference(cmp.putObject("relative"), c.relative());
            number(cmp, "pValue", c.pValue());
            number(cmp, "adjustedPValue", c.adjustedPValue());
            if (c.posterior() != null) {
                number(cmp, "chanceToBeatControl", c.posterior().chanceToBeatControl());
                ObjectNode loss = cmp.putObject("expectedLoss");
                number(loss, "treatment", c.posterior().riskOfTreatment());
                number(loss, "control", c.posterior().riskOfControl());
            }
            if (c.varianceReduction() != null) {
                number(cmp, "cupedVarianceReduction", c.varianceReduction());
            }
            cmp.put("outcome", c.outcome());
        }
        return o;
    }

    private static void inference(ObjectNode o, Inference i) {
        number(o, "estimate", i.estimate().value());
        number(o, "standardError", i.estimate().standardError());
        number(o, "lower", i.interval().lower());
        number(o, "upper", i.interval().upper());
        number(o, "level", 1 - i.alpha());
    }

    private static void number(ObjectNode o, String name, double value) {
        if (Double.isFinite(value)) {
            o.put(name, value);
        } else {
            o.putNull(name);
        }
    }

    private static String instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant().toString();
    }
}
