package io.guidon.controlplane.api;

import io.guidon.controlplane.auth.Role;
import io.guidon.controlplane.domain.Experiment;
import io.guidon.controlplane.domain.ExperimentSpec;
import io.guidon.controlplane.domain.Metric;
import io.guidon.controlplane.domain.MetricSpec;
import io.guidon.controlplane.domain.Violation;
import io.guidon.controlplane.service.ExperimentService;
import io.guidon.controlplane.service.MetricService;
import io.guidon.json.ValueChecks;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;

/**
 * Metrics and experiments (docs/adr/0118-experiments-model.md): {@code POST}/{@code GET /api/v1/metrics},
 * {@code GET}/{@code PUT}/{@code DELETE /api/v1/metrics/{metric}} (by key); {@code POST}/{@code GET
 * /api/v1/experiments}, {@code GET}/{@code PUT}/{@code DELETE /api/v1/experiments/{id}} (by numeric id) and
 * {@code POST .../{id}/start|stop} (409 saying why when the experiment's state does not allow it). Bodies are read by
 * {@link MetricSpec#parse} and {@link ExperimentSpec#parse}; a {@code PUT} needs {@code If-Match} with the
 * resource's version (its ETag). The handlers run on virtual threads ({@link AdminThreads}).
 */
public final class ExperimentRoutes {

    private final MetricService metrics;
    private final ExperimentService experiments;
    private final AdminThreads threads;
    private final Responses json = new Responses();

    public ExperimentRoutes(MetricService metrics, ExperimentService experiments, AdminThreads threads) {
        this.metrics = metrics;
        this.experiments = experiments;
        this.threads = threads;
    }

    public void register(ApiRouter api) {
        String m = Routes.V1 + "/metrics";
        api.add(HttpMethod.POST, m, Role.EDITOR, "Make a metric", this::createMetric);
        api.add(HttpMethod.GET, m, Role.VIEWER, "List the tenant's metrics by key", List.of("limit", "cursor"),
                this::listMetrics);
        api.add(HttpMethod.GET, m + "/:metric", Role.VIEWER, "Read a metric", this::getMetric);
        api.add(HttpMethod.PUT, m + "/:metric", Role.EDITOR,
                "Replace a metric's definition (the experiments using it are recomputed)", this::updateMetric);
        api.add(HttpMethod.DELETE, m + "/:metric", Role.EDITOR, "Delete a metric that no experiment uses",
                this::deleteMetric);
        String x = Routes.V1 + "/experiments";
        api.add(HttpMethod.POST, x, Role.EDITOR, "Make a draft experiment", this::createExperiment);
        api.add(HttpMethod.GET, x, Role.VIEWER, "List the tenant's experiments, newest first",
                List.of("environment", "flag", "status", "limit", "cursor"), this::listExperiments);
        api.add(HttpMethod.GET, x + "/:id", Role.VIEWER, "Read an experiment", this::getExperiment);
        api.add(HttpMethod.PUT, x + "/:id", Role.EDITOR, "Replace an experiment's definition (what a started"
                + " experiment keeps cannot change)", this::updateExperiment);
        api.add(HttpMethod.DELETE, x + "/:id", Role.EDITOR, "Delete a draft or stopped experiment",
                this::deleteExperiment);
        api.add(HttpMethod.POST, x + "/:id/start", Role.EDITOR, "Start a draft experiment", call -> {
            call.requireNoBody();
            long id = id(call);
            return threads.run(() -> experimentReply(experiments.start(call.actor(), id)));
        });
        api.add(HttpMethod.POST, x + "/:id/stop", Role.EDITOR, "Stop a running experiment", call -> {
            call.requireNoBody();
            long id = id(call);
            return threads.run(() -> experimentReply(experiments.stop(call.actor(), id)));
        });
    }

    // ---------------------------------------------------------------- metrics

    private Future<Reply> createMetric(Call call) {
        Fields f = call.fields();
        // The contract's violations and the spec's own, answered in one 422.
        List<Violation> violations = new ArrayList<>(f.violations());
        MetricSpec.Parsed parsed = MetricSpec.parse(f.node(), null);
        violations.addAll(parsed.violations());
        return threads.run(() -> {
            Metric made = metrics.create(call.actor(), violations.isEmpty() ? parsed.spec() : null, violations);
            return Reply.created(json.metric(made), Routes.V1 + "/metrics/" + made.key()).etag(made.version());
        });
    }

    private Future<Reply> listMetrics(Call call) {
        int limit = call.limit();
        String after = call.after();
        return threads.run(() -> Reply.ok(Routes.pageJson(call, metrics.list(call.tenantId(), after, limit), limit,
                json::metric)));
    }

    private Future<Reply> getMetric(Call call) {
        String key = call.param("metric");
        return threads.run(() -> metricReply(metrics.get(call.tenantId(), key)));
    }

    private Future<Reply> updateMetric(Call call) {
        Fields f = call.fields();
        Integer ifMatch = call.requireIfMatch();
        String key = call.param("metric");
        List<Violation> violations = new ArrayList<>(f.violations());
        MetricSpec.Parsed parsed = MetricSpec.parse(f.node(), key);
        violations.addAll(parsed.violations());
        return threads.run(() -> metricReply(metrics.update(call.actor(), key, ifMatch,
                violations.isEmpty() ? parsed.spec() : null, violations)));
    }

    private Future<Reply> deleteMetric(Call call) {
        Integer ifMatch = call.ifMatch();
        String key = call.param("metric");
        return threads.run(() -> {
            metrics.delete(call.actor(), key, ifMatch);
            return Reply.noContent();
        });
    }

    private Reply metricReply(Metric m) {
        return Reply.ok(json.metric(m)).etag(m.version());
    }

    // ---------------------------------------------------------------- experiments

    private Future<Reply> createExperiment(Call call) {
        Fields f = call.fields();
        List<Violation> violations = new ArrayList<>(f.violations());
        ExperimentSpec.Parsed parsed = ExperimentSpec.parse(f.node(), null);
        violations.addAll(parsed.violations());
        return threads.run(() -> {
            Experiment made = experiments.create(call.actor(), violations.isEmpty() ? parsed.spec() : null,
                    violations);
            return Reply.created(json.experiment(made), Routes.V1 + "/experiments/" + made.id())
                    .etag(made.version());
        });
    }

    private Future<Reply> listExperiments(Call call) {
        ExperimentService.Query query = new ExperimentService.Query(call.query("environment"), call.query("flag"),
                call.query("status"), call.after());
        int limit = call.limit();
        return threads.run(() -> Reply.ok(Routes.pageJson(call, experiments.list(call.tenantId(), query, limit), limit,
                json::experiment)));
    }

    private Future<Reply> getExperiment(Call call) {
        long id = id(call);
        return threads.run(() -> experimentReply(experiments.get(call.tenantId(), id)));
    }

    private Future<Reply> updateExperiment(Call call) {
        // The body first: what cannot be read is a 400 whatever the id.
        Fields f = call.fields();
        Integer ifMatch = call.requireIfMatch();
        long id = id(call);
        return threads.run(() -> {
            // The body may repeat the experiment's key, never change it: read against the stored one.
            String key = experiments.get(call.tenantId(), id).spec().key();
            List<Violation> violations = new ArrayList<>(f.violations());
            ExperimentSpec.Parsed parsed = ExperimentSpec.parse(f.node(), key);
            violations.addAll(parsed.violations());
            return experimentReply(experiments.update(call.actor(), id, ifMatch,
                    violations.isEmpty() ? parsed.spec() : null, violations));
        });
    }

    private Future<Reply> deleteExperiment(Call call) {
        Integer ifMatch = call.ifMatch();
        long id = id(call);
        return threads.run(() -> {
            experiments.delete(call.actor(), id, ifMatch);
            return Reply.noContent();
        });
    }

    private Reply experimentReply(Experiment x) {
        return Reply.ok(json.experiment(x)).etag(x.version());
    }

    private static long id(Call call) {
        String id = call.param("id");
        if (id == null || !id.matches("[0-9]{1,18}")) {
            throw ApiException.notFound("no experiment '" + ValueChecks.printable(String.valueOf(id), 40) + "'");
        }
        return Long.parseLong(id);
    }
}
