package io.guidon.controlplane.ui.pages;

import io.guidon.controlplane.auth.Role;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.DocumentReferences;
import io.guidon.controlplane.domain.Page;
import io.guidon.controlplane.domain.Segment;
import io.guidon.controlplane.domain.Violation;
import io.guidon.controlplane.service.AuditService;
import io.guidon.controlplane.service.Services;
import io.guidon.controlplane.ui.UiRequest;
import io.guidon.controlplane.ui.UiResult;
import io.guidon.controlplane.ui.UiRouter;
import io.guidon.controlplane.ui.form.FlagConfigForm;
import io.guidon.controlplane.ui.form.FormErrors;
import io.guidon.controlplane.ui.form.FormTree;
import io.guidon.controlplane.ui.form.SegmentForm;
import io.guidon.controlplane.ui.view.EditorContext;
import io.guidon.controlplane.ui.view.SegmentListView;
import io.guidon.controlplane.ui.view.SegmentPageView;
import io.guidon.controlplane.ui.view.SegmentSection;
import io.guidon.controlplane.ui.view.Stale;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The segments pages: the list of an environment's segments (search as you type), a segment's editor (description,
 * included and excluded keys, rules with the flag page's condition editor) with the flags that use it, and the page
 * that creates one. Through {@code SegmentService}, the admin API's service: validated by the engine in the
 * environment's document and audited the same.
 */
public final class SegmentPages {

    private static final String PREFIX = "seg-";
    private static final int PAGE = 50;

    private final Services services;
    private final UiRouter ui;

    public SegmentPages(Services services, UiRouter ui) {
        this.services = services;
        this.ui = ui;
    }

    /** Adds the pages' routes. */
    public void register() {
        ui.get("/ui/segments", Role.VIEWER, this::list);
        ui.get("/ui/segments/new", Role.EDITOR, this::newSegment);
        ui.post("/ui/segments/new", Role.EDITOR, this::create);
        ui.get("/ui/segments/:env/:segment", Role.VIEWER, this::page);
        ui.post("/ui/segments/:env/:segment", Role.EDITOR, this::edit);
    }

    private List<String> environmentKeys(UiRequest r) {
        List<String> out = new ArrayList<>();
        services.environments().list(r.tenantId(), null, null, 100).items().forEach(e -> out.add(e.key()));
        return out;
    }

    private UiResult list(UiRequest r) {
        List<String> envs = environmentKeys(r);
        String env = envs.contains(r.query("env")) ? r.query("env") : envs.isEmpty() ? null : envs.get(0);
        Page<Segment> page = env == null ? new Page<>(List.of(), 0, null)
                : services.segments().list(r.tenantId(), env, r.query("q"), r.query("after"), PAGE);
        SegmentListView view = new SegmentListView(ui.shell(r, "Segments", "segments"), envs, env, r.query("q"),
                page.items(), page.total(), page.nextAfter());
        return ui.render(r.htmx() && env != null ? "segments/rows.jte" : "segments/list.jte", view);
    }

    // ---------------------------------------------------------------- creating

    private UiResult newSegment(UiRequest r) {
        List<String> envs = environmentKeys(r);
        if (envs.isEmpty()) {
            return ui.errorPage(r, 409, "No environment yet", "Segments belong to an environment: an admin creates"
                    + " one first.");
        }
        String env = envs.contains(r.query("env")) ? r.query("env") : envs.get(0);
        return page(r, 200, section(r, env, envs, true, new SegmentForm(), new FormErrors(), 0, null, null, null));
    }

    private UiResult create(UiRequest r) {
        FormTree tree = FormTree.of(r.form());
        List<String> envs = environmentKeys(r);
        String env = envs.contains(tree.text("env")) ? tree.text("env") : envs.isEmpty() ? null : envs.get(0);
        if (env == null) {
            throw DomainException.notFound("no environment '" + tree.text("env") + "'");
        }
        FormErrors depth = new FormErrors();
        SegmentForm form = SegmentForm.parse(tree, depth);
        String action = r.form("action");
        if (!"save".equals(action)) {
            String focus = form.apply(action);
            return sectionAnswer(r, 200, section(r, env, envs, true, form, new FormErrors(), 0, focus, null, null));
        }
        FlagConfigForm.Result definition = definitionOf(form, depth);
        SegmentForm.Checked checked = form.check(true);
        List<Violation> request = requestViolations(checked, definition.errors());
        List<Violation> own = request.subList(checked.violations().size(), request.size());
        try {
            Segment s = services.segments().put(r.actor(), env, checked.key(), true, null, checked.description(),
                    definition.config(), request);
            return UiResult.redirect("/ui/segments/" + env + "/" + s.key() + "?created=1");
        } catch (DomainException e) {
            if (e.kind() == DomainException.Kind.APPROVAL_REQUIRED) {
                return ChangeRequestPages.proposed(services, r, e, new io.guidon.controlplane.domain.ProposedChange
                        .PutSegment(env, checked.key(), true, checked.description(), definition.config()), null);
            }
            FormErrors errors = new FormErrors().addAll(definition.errors());
            if (e.kind() == DomainException.Kind.CONFLICT) {
                errors.add("key", "segment '" + form.key + "' already exists in " + env + ": choose another key");
            } else if (e.kind() == DomainException.Kind.INVALID) {
                serviceErrors(form, e, own, errors);
            } else {
                throw e;
            }
            return sectionAnswer(r, e.kind() == DomainException.Kind.CONFLICT ? 409 : 422, section(r, env, envs, true,
                    form, errors, 0, null, null, null));
        }
    }

    // ---------------------------------------------------------------- a segment

    private UiResult page(UiRequest r) {
        String env = r.param("env");
        Segment s = services.segments().get(r.tenantId(), env, r.param("segment"));
        String notice = r.query("created") != null ? "Segment created." : r.query("saved") != null ? "Saved." : null;
        return page(r, 200, section(r, env, List.of(), false, SegmentForm.of(s), new FormErrors(), s.revision(), null,
                null, notice));
    }

    private UiResult edit(UiRequest r) {
        String env = r.param("env");
        String key = r.param("segment");
        services.segments().get(r.tenantId(), env, key); // NOT_FOUND before anything else
        FormTree tree = FormTree.of(r.form());
        FormErrors depth = new FormErrors();
        SegmentForm form = SegmentForm.parse(tree, depth);
        form.key = key;
        int base = EditSupport.revision(tree.textOrNull("revision"));
        String action = r.form("action");
        if (!"save".equals(action)) {
            String focus = form.apply(action);
            return sectionAnswer(r, 200, section(r, env, List.of(), false, form, new FormErrors(), base, focus, null,
                    null));
        }
        FlagConfigForm.Result definition = definitionOf(form, depth);
        SegmentForm.Checked checked = form.check(false);
        List<Violation> request = requestViolations(checked, definition.errors());
        List<Violation> own = request.subList(checked.violations().size(), request.size());
        try {
            services.segments().put(r.actor(), env, key, false, base, checked.description(), definition.config(),
                    request);
            return UiResult.redirect("/ui/segments/" + env + "/" + key + "?saved=1");
        } catch (DomainException e) {
            if (e.kind() == DomainException.Kind.APPROVAL_REQUIRED) {
                return ChangeRequestPages.proposed(services, r, e, new io.guidon.controlplane.domain.ProposedChange
                        .PutSegment(env, key, false, checked.description(), definition.config()), base);
            }
            if (EditSupport.stale(e)) {
                Stale stale = EditSupport.explain(services.audit(), r.tenantId(),
                        new AuditService.Query("segment", key, env, null, null, null, null), base,
                        "segment " + key + " in " + env, "/ui/segments/" + env + "/" + key);
                return sectionAnswer(r, 412, section(r, env, List.of(), false, form, definition.errors(), base, null,
                        stale, null));
            }
            if (e.kind() != DomainException.Kind.INVALID) {
                throw e;
            }
            FormErrors errors = new FormErrors().addAll(definition.errors());
            serviceErrors(form, e, own, errors);
            return sectionAnswer(r, 422, section(r, env, List.of(), false, form, errors, base, null, null, null));
        }
    }

    private static FlagConfigForm.Result definitionOf(SegmentForm form, FormErrors depth) {
        FlagConfigForm.Result r = form.definition();
        return new FlagConfigForm.Result(r.config(), new FormErrors().addAll(depth).addAll(r.errors()));
    }

    private static List<Violation> requestViolations(SegmentForm.Checked checked, FormErrors own) {
        List<Violation> out = new ArrayList<>(checked.violations());
        for (FormErrors.Entry e : own.entries()) {
            out.add(new Violation(e.field() == null ? io.guidon.json.Pointer.ROOT : SegmentForm.pointerOf(e.field()),
                    e.message()));
        }
        return out;
    }

    /** The service's violations, each at its field, except the form's own (already shown). */
    private static void serviceErrors(SegmentForm form, DomainException e, List<Violation> own, FormErrors out) {
        Set<Violation> mine = new HashSet<>(own);
        for (Violation v : e.violations()) {
            if (mine.contains(v)) {
                continue;
            }
            String field = form.fieldFor(v.where());
            out.add(field, field == null ? v.where().text() + ": " + v.message() : v.message());
        }
    }

    /** The answer to a form's post: its section for htmx to swap, or the whole page without JavaScript. */
    private UiResult sectionAnswer(UiRequest r, int status, SegmentSection s) {
        if (r.htmx()) {
            return ui.render(status, "segments/editor.jte", s);
        }
        return page(r, status, s);
    }

    /**
     * A whole page, also for htmx: a GET after a change comes from htmx following the redirect (HX-Location), and
     * replaces the page's body.
     */
    private UiResult page(UiRequest r, int status, SegmentSection s) {
        String title = s.creating() ? "New segment" : s.form().key + " in " + s.env();
        return ui.render(status, "segments/page.jte", new SegmentPageView(ui.shell(r, title, "segments"), s));
    }

    private SegmentSection section(UiRequest r, String env, List<String> envs, boolean creating, SegmentForm form,
            FormErrors errors, int revision, String focus, Stale stale, String notice) {
        List<String> segments = new ArrayList<>();
        if (r.canEdit()) {
            services.segments().list(r.tenantId(), env, null, null, 1000).items().forEach(x -> {
                if (!x.key().equals(form.key)) {
                    segments.add(x.key());
                }
            });
        }
        String action = creating ? "/ui/segments/new" : "/ui/segments/" + env + "/" + form.key;
        EditorContext ctx = new EditorContext(PREFIX, r.canEdit(), errors, segments, action, "#" + PREFIX + "section",
                focus);
        return new SegmentSection(env, envs, creating, form, ctx, revision, creating ? null
                : usedBy(r, env, form.key), stale, notice, r.session().csrfToken());
    }

    /**
     * Who uses segment {@code key} of {@code env}: flags directly, other segments, flags through those
     * ({@code FlagInsights.segmentUsage}, over the environment's current document).
     */
    private DocumentReferences.SegmentUsage usedBy(UiRequest r, String env, String key) {
        DocumentReferences.SegmentUsage usage = services.insights().segmentUsage(r.tenantId(), env).get(key);
        return usage != null ? usage : new DocumentReferences.SegmentUsage(List.of(), List.of(), List.of());
    }
}
