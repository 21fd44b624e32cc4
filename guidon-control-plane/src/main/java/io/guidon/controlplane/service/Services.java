package io.guidon.controlplane.service;

import io.guidon.controlplane.ControlPlaneConfig;
import io.guidon.controlplane.auth.ApiKeys;
import io.guidon.controlplane.domain.DocumentChanges;
import io.guidon.controlplane.publish.ChangePublisher;
import io.guidon.controlplane.store.AuditLog;
import io.guidon.controlplane.store.DocumentRepository;
import io.guidon.controlplane.store.EnvironmentRepository;
import io.guidon.controlplane.store.ExperimentRepository;
import io.guidon.controlplane.store.ExposureRepository;
import io.guidon.controlplane.store.FlagOverviewRepository;
import io.guidon.controlplane.store.FlagRepository;
import io.guidon.controlplane.store.KeyRepository;
import io.guidon.controlplane.store.MetricRepository;
import io.guidon.controlplane.store.RolloutPlanRepository;
import io.guidon.controlplane.store.ScheduleRepository;
import io.guidon.controlplane.store.SegmentRepository;
import io.guidon.controlplane.store.SightingLog;
import io.guidon.controlplane.store.TenantRepository;
import io.guidon.controlplane.store.VersionListener;
import io.guidon.engine.Evaluator;
import io.guidon.engine.FlagDocumentCompiler;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.InstantSource;

/**
 * The services of the admin API's resources, wired to their repositories and sharing one write path (and so one
 * cache of the documents this replica committed); and the reads the admin UI adds: {@code insights} (impact
 * estimates, try it, segment usage, diffs), {@code sidecars} (which sidecars fetched an environment) and
 * {@code overview} (the flag list); and {@code schedules}, scheduled changes (applied through the same write path by
 * a {@link ScheduleRunner}); {@code changeRequests}, the changes of environments that require approvals; and
 * {@code rollouts}, progressive rollout plans (checked by a {@link ReplicaTask} calling
 * {@link RolloutPlanService#checkNext}, their steps applied through the same write path); {@code metrics} and
 * {@code experiments}, the model of experiments (ADR 0118).
 */
public record Services(EnvironmentService environments, FlagService flags, SegmentService segments,
        KeyService keys, AuditService audit, FlagInsights insights, SidecarService sidecars,
        FlagOverviewService overview, ScheduleService schedules, ChangeRequestService changeRequests,
        RolloutPlanService rollouts, MetricService metrics, ExperimentService experiments) {

    /**
     * @param changeLogRetention how many versions of change log each environment keeps
     * @param views how the audit log records resources (the API's shapes)
     * @param apiKeys makes each new API key's secret
     * @param sightings what sidecars' fetches showed (written by {@code snapshots.SightingBuffer})
     * @param rollouts the settings of rollout plans' checks ({@code rollouts.*})
     */
    public static Services create(Vertx vertx, Pool pool, FlagDocumentCompiler compiler, AuditLog audit,
            ChangePublisher publisher, VersionListener versions, int changeLogRetention, ResourceViews views,
            ApiKeys apiKeys, SightingLog sightings, ControlPlaneConfig.Rollouts rollouts) {
        EnvironmentRepository environments = new EnvironmentRepository(pool);
        FlagRepository flags = new FlagRepository(pool);
        DocumentChanges changes = new DocumentChanges(compiler);
        DocumentWriter writer = new DocumentWriter(vertx, pool, changes, new DocumentRepository(changeLogRetention),
                audit, publisher, versions);
        FlagService flagService = new FlagService(writer, environments, flags, views);
        SegmentService segmentService = new SegmentService(writer, environments, new SegmentRepository(pool), views);
        ChangeApplier applier = new ChangeApplier(flagService, segmentService, views);
        ScheduleService schedules = new ScheduleService(writer, applier, new ScheduleRepository(pool), flagService,
                views);
        ChangeRequestService changeRequests = new ChangeRequestService(writer, applier,
                new io.guidon.controlplane.store.ChangeRequestRepository(pool), environments, schedules, views, audit);
        RolloutPlanService plans = new RolloutPlanService(writer, applier, new RolloutPlanRepository(pool),
                flagService, views, rollouts.checkInterval(), rollouts.srmThreshold());
        gatePlanStarts(changeRequests, plans);
        return new Services(new EnvironmentService(writer, environments, flags, views), flagService, segmentService,
                new KeyService(pool, new KeyRepository(pool), new TenantRepository(), environments, audit, apiKeys,
                        views),
                new AuditService(audit),
                new FlagInsights(vertx, pool, environments, new ExposureRepository(pool), changes, compiler,
                        new Evaluator(), InstantSource.system(), FlagInsights.CACHED_DOCUMENTS,
                        FlagInsights.SAMPLE_LIMIT, FlagInsights.SCAN_LIMIT),
                new SidecarService(environments, sightings),
                new FlagOverviewService(new FlagOverviewRepository(pool), Clock.systemUTC()),
                schedules, changeRequests, plans, new MetricService(writer, new MetricRepository(pool), views),
                new ExperimentService(writer, new ExperimentRepository(pool), new MetricRepository(pool), environments,
                        flags, views));
    }

    /**
     * Makes change requests hold a rollout plan's start ({@code plan.start}): in an environment that requires
     * approvals a plan is approved once, at its start, and its steps then run with its own approval.
     */
    private static void gatePlanStarts(ChangeRequestService changeRequests, RolloutPlanService plans) {
        changeRequests.register(ChangeRequestService.PLAN_START, new ChangeRequestService.ActionKind() {
            @Override
            public ChangeRequestService.Target target(com.fasterxml.jackson.databind.node.ObjectNode action) {
                return new ChangeRequestService.Target(action.path("environment").asText(), "flag",
                        action.path("flag").asText());
            }

            @Override
            public void apply(DocumentWriter.Tx tx, com.fasterxml.jackson.databind.node.ObjectNode action,
                    Long changeRequestId) {
                plans.startIn(tx, action.path("environment").asText(), action.path("flag").asText(),
                        action.path("plan").asLong());
            }
        });
    }
}
