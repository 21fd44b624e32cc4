package io.guidon.controlplane.domain;

import io.guidon.controlplane.api.ApiException;

/**
 * Sits in the domain's package and uses the HTTP layer's error type, so the layering rules of
 * {@code ControlPlaneArchitectureTest} must reject it.
 */
public final class LeakyForTest {

    private LeakyForTest() {
    }

    static ApiException leak() {
        return ApiException.malformed("the domain must not answer HTTP");
    }
}
