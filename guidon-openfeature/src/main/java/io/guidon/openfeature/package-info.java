/**
 * Guidon for Java applications: {@link io.guidon.openfeature.GuidonProvider}, an OpenFeature provider that evaluates
 * with the Guidon engine inside the application.
 *
 * <p>Map: the provider holds the current flag set ({@code LoadedFlags}: the engine's compiled {@code FlagSet} plus
 * what OpenFeature needs of each flag, made once per load) in one volatile field; an evaluation reads it, adapts the
 * OpenFeature context without copying ({@code OpenFeatureContext}), runs the engine and maps its result as the
 * sidecar's OFREP API does. A {@code FlagSource} (file, sidecar, control plane) runs on the provider's scheduler
 * thread (and a sidecar's stream on a thread of its own) and reports new sets and failures; the provider turns them
 * into OpenFeature provider events. Evaluations and {@code track} calls go into an {@code EventRecorder} (lock-free,
 * bounded) that an {@code EventFlusher} drains and hands to the source's {@code EventDelivery}.
 *
 * <p>Depends on the engine's public API, the protocol module (snapshots, deltas and event batches as the sidecar
 * reads and writes them), the OpenFeature SDK, Jackson and SLF4J; HTTP is the JDK's {@link java.net.http.HttpClient}.
 * No Vert.x ({@code ProviderDependenciesTest}).
 */
package io.guidon.openfeature;
