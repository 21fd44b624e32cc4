package io.guidon.controlplane.ui.pages;

import io.guidon.controlplane.auth.Role;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.Metric;
import io.guidon.controlplane.domain.MetricSpec;
import io.guidon.controlplane.domain.Page;
import io.guidon.controlplane.domain.Violation;
import io.guidon.controlplane.service.MetricService;
import io.guidon.controlplane.ui.UiRequest;
import io.guidon.controlplane.ui.UiResult;
import io.guidon.controlplane.ui.UiRouter;
import io.guidon.controlplane.ui.view.Links;
import io.guidon.controlplane.ui.view.MetricForm;
import io.guidon.controlplane.ui.view.MetricFormView;
import io.guidon.controlplane.ui.view.MetricListView;
import io.guidon.controlplane.ui.view.MetricRow;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * The experiments' metrics in the UI (issue 13; docs/experiments.md "Model"): the tenant's metrics
 * ({@code /ui/metrics}), the form that makes one ({@code /ui/metrics/new}) or changes one ({@code /ui/metrics/{key}}),
 * and deletion. The form is read into the API's body and judged by the API's {@code MetricSpec}, then the same
 * {@link MetricService} as the API acts, audited with the session's key: a refused form comes back with each
 * problem at its field and nothing changed.
 */
public final class MetricPages {

    /** Metrics per page of the list. */
    static final int PAGE_SIZE = 100;

    private final MetricService metrics;
    private final UiRouter ui;
    private final Clock clock;

    public MetricPages(MetricService metrics, UiRouter ui, Clock clock) {
        this.metrics = metrics;
        this.ui = ui;
        this.clock = clock;
    }

    /** Adds the pages' routes. */
    public void register() {
        ui.get("/ui/metrics", Role.VIEWER, this::list);
        ui.get("/ui/metrics/new", Role.EDITOR, r -> form(r, MetricForm.blank(), 0, null, 200));
        ui.post("/ui/metrics", Role.EDITOR, this::create);
        ui.get("/ui/metrics/:metric", Role.EDITOR, r -> {
            Metric m = metrics.get(r.tenantId(), r.param("metric"));
            return form(r, MetricForm.of(m), m.version(), null, 200);
        });
        ui.post("/ui/metrics/:metric", Role.EDITOR, this::update);
        ui.post("/ui/metrics/:metric/delete", Role.EDITOR, this::delete);
    }

    private UiResult list(UiRequest r) {
        String notice = null;
        if (r.query("created") != null) {
            notice = "Metric \u201c" + r.query("created") + "\u201d made.";
        } else if (r.query("updated") != null) {
            notice = "Metric \u201c" + r.query("updated") + "\u201d saved: the results of the experiments using it"
                    + " are computed again.";
        } else if (r.query("deleted") != null) {
            notice = "Metric \u201c" + r.query("deleted") + "\u201d deleted.";
        }
        return listPage(r, 200, notice, null);
    }

    private UiResult listPage(UiRequest r, int status, String notice, String error) {
        Page<Metric> page = metrics.list(r.tenantId(), r.query("after"), PAGE_SIZE);
        Instant now = clock.instant();
        List<MetricRow> rows = page.items().stream().map(m -> MetricRow.of(m, now)).toList();
        String later = page.nextAfter() == null ? null : "/ui/metrics?after=" + Links.encode(page.nextAfter());
        return ui.render(status, "metrics/list.jte", new MetricListView(ui.shell(r, "Metrics", "metrics"), rows,
                later, notice, error));
    }

    private UiResult form(UiRequest r, MetricForm form, long version, String stale, int status) {
        String title = form.editing() ? "Edit metric " + form.key() : "New metric";
        return ui.render(status, "metrics/form.jte", new MetricFormView(ui.shell(r, title, "metrics"), form, version,
                stale));
    }

    private UiResult create(UiRequest r) {
        MetricForm form = MetricForm.parse(false, r::form);
        MetricSpec.Parsed parsed = MetricSpec.parse(form.body(), null);
        try {
            Metric m = metrics.create(r.actor(), parsed.spec(), parsed.violations());
            return UiResult.redirect("/ui/metrics?created=" + Links.encode(m.key()));
        } catch (DomainException e) {
            return switch (e.kind()) {
                case INVALID -> form(r, form.withViolations(e.violations()), 0, null, 422);
                case CONFLICT -> form(r, form.withViolations(List.of(Violation.of("key",
                        "a metric with this key exists already"))), 0, null, 409);
                default -> throw e;
            };
        }
    }

    private UiResult update(UiRequest r) {
        String key = r.param("metric");
        MetricForm form = MetricForm.parse(true, name -> name.equals("key") ? key : r.form(name));
        long version = version(r);
        MetricSpec.Parsed parsed = MetricSpec.parse(form.body(), key);
        try {
            metrics.update(r.actor(), key, version > 0 ? Math.toIntExact(version) : null, parsed.spec(),
                    parsed.violations());
            return UiResult.redirect("/ui/metrics?updated=" + Links.encode(key));
        } catch (DomainException e) {
            return switch (e.kind()) {
                case INVALID -> form(r, form.withViolations(e.violations()), version, null, 422);
                case STALE -> form(r, form, version, "Someone changed this metric since you opened this form (it is"
                        + " now at version " + metrics.get(r.tenantId(), key).version() + "). Your changes were not"
                        + " saved: reload the form to see the current definition, then make your change again.", 412);
                default -> throw e;
            };
        }
    }

    private UiResult delete(UiRequest r) {
        String key = r.param("metric");
        try {
            metrics.delete(r.actor(), key, null);
            return UiResult.redirect("/ui/metrics?deleted=" + Links.encode(key));
        } catch (DomainException e) {
            if (e.kind() == DomainException.Kind.CONFLICT) {
                return listPage(r, 409, null, "The metric \u201c" + key + "\u201d was not deleted: " + e.detail()
                        + ".");
            }
            throw e;
        }
    }

    /** The version the edit form was read at (its hidden field), 0 when missing or not a number. */
    private static long version(UiRequest r) {
        String v = r.form("version");
        return v != null && v.matches("[0-9]{1,9}") ? Long.parseLong(v) : 0;
    }
}
