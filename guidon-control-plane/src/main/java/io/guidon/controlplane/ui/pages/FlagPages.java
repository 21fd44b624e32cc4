package io.guidon.controlplane.ui.pages;

import io.guidon.controlplane.auth.Role;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.Environment;
import io.guidon.controlplane.domain.EnvironmentFlag;
import io.guidon.controlplane.domain.FlagDefinition;
import io.guidon.controlplane.domain.Page;
import io.guidon.controlplane.domain.Violation;
import io.guidon.controlplane.service.Services;
import io.guidon.controlplane.ui.UiRequest;
import io.guidon.controlplane.ui.UiResult;
import io.guidon.controlplane.ui.UiRouter;
import io.guidon.controlplane.ui.view.FlagListCriteria;
import io.guidon.controlplane.ui.view.FlagListView;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The flags list: a column per environment, search as you type (htmx: the results are swapped in and the URL
 * updated, so a reload or a bookmark shows the same list), a tag filter, sorting by the column headers, paging.
 */
public final class FlagPages {

    private final Services services;
    private final UiRouter ui;
    private final Clock clock;

    public FlagPages(Services services, UiRouter ui) {
        this.services = services;
        this.ui = ui;
        this.clock = Clock.systemUTC();
    }

    /** Adds the pages' routes. */
    public void register() {
        ui.get("/ui/flags", Role.VIEWER, this::list);
    }

    private UiResult list(UiRequest r) {
        int page = FlagListCriteria.pageParam(r.query("page"));
        if (page < 0) {
            throw DomainException.invalidParameter(List.of(Violation.of("page", "must be a whole number from 1, not '"
                    + r.query("page") + "'")));
        }
        FlagListView view = interimOverview(r, page);
        if (r.htmx()) {
            return ui.render("flags/rows.jte", view).header("HX-Push-Url", view.criteria().url());
        }
        return ui.render("flags/list.jte", view);
    }

    // Interim, until the read model FlagOverviewService lands: the whole tenant read through the flag services.
    private FlagListView interimOverview(UiRequest r, int page) {
        String q = blank(r.query("q"));
        String tag = blank(r.query("tag"));
        String sort = r.query("sort") == null ? "key" : r.query("sort");
        if (!FlagListCriteria.SORTS.contains(sort)) {
            throw DomainException.invalidParameter(List.of(Violation.of("sort", "must be one of key, updated,"
                    + " evaluations, not '" + sort + "'")));
        }
        boolean descending = r.query("direction") == null ? FlagListCriteria.descendingByDefault(sort)
                : "desc".equals(r.query("direction"));
        int pageSize = r.query("pageSize") == null ? FlagListCriteria.DEFAULT_PAGE_SIZE
                : Integer.parseInt(r.query("pageSize"));
        List<FlagDefinition> all = new ArrayList<>();
        String after = null;
        do {
            Page<FlagDefinition> p = services.flags().list(r.tenantId(), tag, q, after, 200);
            all.addAll(p.items());
            after = p.nextAfter();
        } while (after != null);
        Comparator<FlagDefinition> order = "updated".equals(sort)
                ? Comparator.comparing(FlagDefinition::updatedAt) : Comparator.comparing(FlagDefinition::key);
        all.sort(descending ? order.reversed() : order);
        List<Environment> envs = services.environments().list(r.tenantId(), null, null, 200).items();
        Map<String, Map<String, EnvironmentFlag>> configs = new HashMap<>();
        for (Environment e : envs) {
            String a = null;
            do {
                Page<EnvironmentFlag> p = services.flags().listIn(r.tenantId(), e.key(), tag, q, a, 200);
                for (EnvironmentFlag f : p.items()) {
                    configs.computeIfAbsent(f.definition().key(), k -> new HashMap<>()).put(e.key(), f);
                }
                a = p.nextAfter();
            } while (a != null);
        }
        int pageCount = Math.max(1, (all.size() + pageSize - 1) / pageSize);
        int shown = Math.min(page, pageCount);
        List<FlagListView.Row> rows = new ArrayList<>();
        for (FlagDefinition d : all.subList((shown - 1) * pageSize, Math.min(all.size(), shown * pageSize))) {
            List<FlagListView.Cell> cells = new ArrayList<>();
            for (Environment e : envs) {
                EnvironmentFlag f = configs.getOrDefault(d.key(), Map.of()).get(e.key());
                boolean on = f != null && f.config().path("enabled").asBoolean(false);
                String serves = f == null ? "" : on ? f.config().path("fallthrough").path("variant").asText("")
                        : f.config().path("offVariant").asText("");
                cells.add(new FlagListView.Cell(e.key(), on, serves, false, f == null ? 0
                        : f.config().path("rules").size(), 0, f != null));
            }
            rows.add(new FlagListView.Row(d.key(), d.description(), d.tags(), d.updatedAt(), 0, cells));
        }
        TreeSet<String> tags = new TreeSet<>();
        for (FlagDefinition d : all) {
            tags.addAll(d.tags());
        }
        return new FlagListView(ui.shell(r, "Flags", "flags"), new FlagListCriteria(q, tag, sort, descending, shown,
                pageSize), envs.stream().map(e -> new FlagListView.Column(e.key(), e.name())).toList(), rows,
                all.size(), pageCount, List.copyOf(tags), r.htmx(), clock.instant());
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
