package io.guidon.sidecar;

/**
 * Stands for the sidecar's side of the wire in {@code ProtocolIsPureTest} (test sources of the protocol module
 * only): a protocol class that used it would break the rule.
 */
public final class SidecarSideForTest {

    private SidecarSideForTest() {
    }

    /** Something of the sidecar a protocol class must never call. */
    public static String side() {
        return "sidecar";
    }
}
