/**
 * The control plane's repositories: the SQL and the row mapping, nothing else ({@code EnvironmentRepository},
 * {@code FlagRepository}, {@code SegmentRepository}, {@code DocumentRepository} for an environment's whole document and
 * its versions and change log, {@code KeyRepository}, which authentication also reads keys from as its
 * {@code auth.ApiKeyStore}, {@code TenantRepository}, {@code PgAuditLog}, {@code FlagOverviewRepository} for the
 * admin UI's flag list), plus {@link io.guidon.controlplane.store.Transactions} (one transaction, re-run on a lock conflict) and
 * {@link io.guidon.controlplane.store.Sql}. Repositories return Vert.x futures and answer null for a missing row; what
 * a missing row means is the service's to say. The package keeps its name ({@code store}: where data is stored) so
 * that its existing users (the snapshot cache, event storage, the CLI) did not move.
 */
package io.guidon.controlplane.store;
