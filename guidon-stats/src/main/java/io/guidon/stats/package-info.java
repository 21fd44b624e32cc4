/**
 * The statistics of guarded progressive rollouts (and, later, of experiments): sufficient statistics of per-user
 * values ({@link io.guidon.stats.Sample}), differences between two groups with their sampling variance
 * ({@link io.guidon.stats.Differences}), an always-valid sequential test that may be evaluated after every
 * observation ({@link io.guidon.stats.MixtureSequentialTest}), guardrail verdicts built on it
 * ({@link io.guidon.stats.Guardrails}) and the sample-ratio-mismatch check
 * ({@link io.guidon.stats.SampleRatioMismatch}).
 *
 * <p>Pure functions of numbers: no Vert.x, no I/O, no clock. Distributions and special functions come from
 * Hipparchus, never from hand-written approximations. The method, its sources and the simulations that check it
 * are in ADR 0113 and docs/release-management.md ("Guardrail statistics").
 */
package io.guidon.stats;
