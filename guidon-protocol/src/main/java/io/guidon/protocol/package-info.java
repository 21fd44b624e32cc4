/**
 * The wire between sidecars (and in-process providers) and the control plane, defined once and used by both sides:
 * <ul>
 *   <li>{@link io.guidon.protocol.snapshots}: {@code GET /api/v1/sidecar/flags[?since=N]}, a whole flag document
 *       ({@link io.guidon.protocol.snapshots.FullSnapshot}) or what changed after a version
 *       ({@link io.guidon.protocol.snapshots.SnapshotDelta});</li>
 *   <li>{@link io.guidon.protocol.changes}: the change notification published on Redis after every commit;</li>
 *   <li>{@link io.guidon.protocol.events}: {@code POST /api/v1/events}, an event batch
 *       ({@link io.guidon.protocol.events.EventBatch}) and its answer, with the limits and rules of
 *       {@link io.guidon.protocol.EventRules};</li>
 *   <li>{@link io.guidon.protocol.ClientIdentity}: the instance id header and the User-Agent with which sidecars and
 *       providers name themselves on both requests.</li>
 * </ul>
 * Records, codecs and rules only: no HTTP, no Vert.x, nothing of either server (ArchUnit checks it), so that a rule
 * exists once and the sender can never write what the receiver refuses. Golden JSON files under the module's
 * {@code src/test/resources/golden/} pin each message's exact form.
 */
package io.guidon.protocol;
