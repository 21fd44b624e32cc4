/**
 * The control plane's domain, with no database, no HTTP and no Vert.x: the resources ({@code Environment},
 * {@code FlagDefinition}, {@code EnvironmentFlag}, {@code Segment}, {@code ApiKey}), who changes them
 * ({@code Actor}), a page of a listing ({@code Page}), an environment's flag document
 * ({@code EnvironmentDocument}), the pure step that applies a change to it ({@link
 * io.guidon.controlplane.domain.DocumentChanges#apply}, with each kind of change a {@link
 * io.guidon.controlplane.domain.DocumentChange}), and the one error type, {@link
 * io.guidon.controlplane.domain.DomainException} with its {@link io.guidon.controlplane.domain.Violation}s (where as a
 * JSON Pointer, and what).
 */
package io.guidon.controlplane.domain;
