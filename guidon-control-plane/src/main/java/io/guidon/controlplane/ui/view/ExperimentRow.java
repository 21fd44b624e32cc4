package io.guidon.controlplane.ui.view;

import io.guidon.controlplane.domain.Experiment;
import io.guidon.controlplane.domain.ExperimentSpec;
import java.time.Instant;
import java.util.stream.Collectors;

/**
 * An experiment as a row of a list: where it runs, what it compares (the control first), its primary metric, its
 * status, and since when it runs or how long it ran.
 */
public record ExperimentRow(long id, String key, String name, String flag, String environment, String status,
        String compares, String primary, String when) {

    public static ExperimentRow of(Experiment e, Instant now) {
        ExperimentSpec s = e.spec();
        String compares = s.controlVariant() + " vs " + s.variants().stream().map(ExperimentSpec.Variant::key)
                .filter(v -> !v.equals(s.controlVariant())).collect(Collectors.joining(", "));
        String when = switch (e.status()) {
            case DRAFT -> "made " + Moments.ago(e.createdAt(), now);
            case RUNNING -> e.startAt() != null && e.startAt().toInstant().isAfter(now)
                    ? "starts " + Moments.exact(e.startAt()) : "started " + Moments.ago(e.startAt(), now);
            case STOPPED -> "stopped " + Moments.ago(e.endAt(), now);
        };
        return new ExperimentRow(e.id(), s.key(), s.name(), s.flag(), s.environment(), e.status().jsonName(),
                compares, s.metrics().primary(), when);
    }

    /** The experiment's page. */
    public String url() {
        return "/ui/experiments/" + id;
    }

    /** The flag's page in the experiment's environment. */
    public String flagUrl() {
        return Links.flag(flag) + "?env=" + Links.encode(environment);
    }
}
