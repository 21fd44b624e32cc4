package io.guidon.controlplane.domain;

/**
 * One row of a flag's conversion totals in an environment: with {@code event} null, the users counted in
 * {@code variant} (the variant of their first exposure; {@code variant} null: the users exposed to more than one,
 * left out); else, of those users, the ones who sent {@code event} after their first exposure, how many such events
 * and the sum of their values (null: none had a value).
 */
public record ConversionTotal(String variant, String event, long users, long events, Double valueSum) {
}
