package io.guidon.controlplane.ui;

/**
 * A UI page or action. Runs on a virtual thread (services await their statements); throws a
 * {@link io.guidon.controlplane.domain.DomainException} for what the services refuse, which the UI router renders
 * as an error page with the matching status, unless the handler shows it in a form itself.
 */
@FunctionalInterface
public interface UiHandler {
    UiResult handle(UiRequest request) throws Exception;
}
