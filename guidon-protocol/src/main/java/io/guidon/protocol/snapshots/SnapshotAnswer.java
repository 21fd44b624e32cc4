package io.guidon.protocol.snapshots;

/**
 * What {@code GET /api/v1/sidecar/flags[?since=N]} answers with {@code 200}: the whole flag document of the key's
 * environment ({@link FullSnapshot}), or, when {@code since} is a version the control plane's change log covers,
 * only what changed after it ({@link SnapshotDelta}). {@code 304} (the {@code If-None-Match} version is current)
 * has no body. Both name the environment and its current version; {@link SnapshotCodec} writes and reads them.
 */
public sealed interface SnapshotAnswer permits FullSnapshot, SnapshotDelta {

    /** The tenant's key; null only when an answer left it out (the receiver then keeps what it knew). */
    String tenant();

    /** The environment's key; null only when an answer left it out. */
    String environment();

    /** The environment's current version, which the answer brings the receiver to. */
    long version();
}
