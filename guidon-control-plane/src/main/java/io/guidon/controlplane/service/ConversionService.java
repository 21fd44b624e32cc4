package io.guidon.controlplane.service;

import static io.vertx.core.Future.await;

import io.guidon.controlplane.domain.Conversion;
import io.guidon.controlplane.domain.ConversionTotal;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.Environment;
import io.guidon.controlplane.domain.FlagDefinition;
import io.guidon.controlplane.domain.Page;
import io.guidon.controlplane.domain.Violation;
import io.guidon.controlplane.store.ConversionRepository;
import io.guidon.controlplane.store.ConversionRepository.After;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * What {@code POST /v1/track} sent, read back (docs/adr/0118-experiments-model.md): the raw conversions of an
 * environment, newest first, and a flag's conversion totals per variant and event with the experiments'
 * attribution (a user counts in the variant of their first exposure in the range; users exposed to more than one
 * variant are left out and counted; an event counts from the user's first exposure to the range's end). Sequential
 * code for a virtual thread.
 */
public final class ConversionService {

    private final ConversionRepository conversions;
    private final EnvironmentService environments;
    private final FlagService flags;

    public ConversionService(ConversionRepository conversions, EnvironmentService environments, FlagService flags) {
        this.conversions = conversions;
        this.environments = environments;
        this.flags = flags;
    }

    /** A page's query; the caller checked the range ({@code from} before {@code to}, within its bound). */
    public record Query(String environment, String event, String targetingKey, Instant from, Instant to,
            String after) {
    }

    /**
     * A page of the environment's conversions in {@code [from, to)} matching the query, newest first.
     *
     * @throws DomainException NOT_FOUND for the environment; INVALID_PARAMETER for a cursor this listing did not make
     */
    public Page<Conversion> list(long tenantId, Query q, int limit) {
        Environment env = environments.get(tenantId, q.environment());
        After after = decode(q.after());
        int skip = after == null ? 0 : after.skip();
        List<Conversion> rows = await(conversions.page(tenantId, env.id(), utc(q.from()), utc(q.to()), q.event(),
                q.targetingKey(), after, limit + 1 + skip));
        // The first rows of the cursor's own sort key were on earlier pages.
        int dropped = 0;
        while (dropped < skip && dropped < rows.size() && sameKey(rows.get(dropped), after)) {
            dropped++;
        }
        List<Conversion> rest = rows.subList(dropped, rows.size());
        if (rest.size() <= limit) {
            return new Page<>(List.copyOf(rest), -1, null);
        }
        List<Conversion> items = List.copyOf(rest.subList(0, limit));
        Conversion last = items.get(limit - 1);
        // How many rows of the last one's sort key are delivered by now: this page's, plus the earlier pages' when
        // the key is the cursor's.
        int same = 0;
        for (Conversion c : items) {
            if (sameKey(c, last)) {
                same++;
            }
        }
        if (after != null && sameKey(last, after)) {
            same += skip;
        }
        return new Page<>(items, -1, encode(last, same));
    }

    private static boolean sameKey(Conversion c, After a) {
        return c.occurredAt().isEqual(a.occurredAt()) && c.batchId().equals(a.batchId())
                && c.targetingKey().equals(a.targetingKey()) && c.event().equals(a.event());
    }

    private static boolean sameKey(Conversion c, Conversion d) {
        return c.occurredAt().isEqual(d.occurredAt()) && c.batchId().equals(d.batchId())
                && c.targetingKey().equals(d.targetingKey()) && c.event().equals(d.event());
    }

    /** {@code micros|batch|skip|event|targetingKey}: the key last (it may hold '|'; an event name cannot). */
    private static String encode(Conversion c, int skip) {
        Instant t = c.occurredAt().toInstant();
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, t);
        return micros + "|" + c.batchId() + "|" + skip + "|" + c.event() + "|" + c.targetingKey();
    }

    private static After decode(String after) {
        if (after == null) {
            return null;
        }
        String[] p = after.split("\\|", 5);
        try {
            if (p.length == 5 && p[0].matches("-?[0-9]{1,19}") && p[2].matches("[0-9]{1,9}")) {
                OffsetDateTime t = Instant.EPOCH.plus(Long.parseLong(p[0]), ChronoUnit.MICROS).atOffset(
                        ZoneOffset.UTC);
                return new After(t, UUID.fromString(p[1]), p[4], p[3], Integer.parseInt(p[2]));
            }
        } catch (IllegalArgumentException | ArithmeticException | java.time.DateTimeException e) {
            // reported below
        }
        throw DomainException.invalidParameter(List.of(Violation.of("cursor", "not a cursor of this listing: pass"
                + " the nextCursor of the previous page unchanged")));
    }

    private static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }

    /**
     * A flag's conversion totals in an environment: the users first exposed from {@code from} to {@code to} (UTC
     * days, both included) and their conversions up to the end of {@code to}.
     *
     * @param rows per variant its users (event null) and per event its converted users, events and sum of values;
     *     the users exposed to more than one variant under variant null
     */
    public record FlagTotals(FlagDefinition flag, Environment environment, LocalDate from, LocalDate to,
            List<ConversionTotal> rows) {
    }

    /**
     * The totals of {@code flagKey} in {@code envKey}; the caller has checked the range.
     *
     * @throws DomainException NOT_FOUND when the environment or the flag is not the tenant's
     */
    public FlagTotals totals(long tenantId, String envKey, String flagKey, LocalDate from, LocalDate to) {
        Environment env = environments.get(tenantId, envKey);
        FlagDefinition def = flags.get(tenantId, flagKey);
        return new FlagTotals(def, env, from, to, await(conversions.totals(tenantId, env.id(), def.key(),
                from.atStartOfDay().atOffset(ZoneOffset.UTC), to.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC))));
    }
}
