package io.guidon.sidecar;

/**
 * Sits in the sidecar's package (test sources only) and uses picocli, Vert.x Web and the control plane, so every
 * rule of {@code io.guidon.LayeringTest} must reject it.
 */
public final class LeakyForTest {

    private LeakyForTest() {
    }

    static String leaks(io.vertx.ext.web.RoutingContext ctx) {
        return new picocli.CommandLine(new Object()).getCommandName() + ctx.normalizedPath()
                + io.guidon.controlplane.domain.DomainException.notFound("a flag").kind();
    }
}
