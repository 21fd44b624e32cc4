/**
 * The control plane's services, one per aggregate of the admin API: {@link
 * io.guidon.controlplane.service.EnvironmentService}, {@link io.guidon.controlplane.service.FlagService} (definitions and
 * per-environment configuration), {@link io.guidon.controlplane.service.SegmentService}, {@link
 * io.guidon.controlplane.service.KeyService} (API keys, and a tenant's first one) and {@link
 * io.guidon.controlplane.service.AuditService}; and the read models of the admin UI ({@link
 * io.guidon.controlplane.service.FlagOverviewService}: the flag list). A service holds the rules of a change (what
 * must exist, which revision, which locks in which order, what is validated before anything is written) and reads as
 * plain sequential code: it runs on a Vert.x virtual thread and awaits each repository call
 * (docs/adr/0110-admin-api-concurrency-model.md). It throws {@link io.guidon.controlplane.domain.DomainException},
 * never an HTTP type: layers point one way, {@code api} → {@code service} → {@code store} → {@code domain}.
 */
package io.guidon.controlplane.service;
