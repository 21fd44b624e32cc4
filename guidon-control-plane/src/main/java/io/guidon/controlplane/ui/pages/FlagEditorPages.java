package io.guidon.controlplane.ui.pages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.auth.Role;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.Environment;
import io.guidon.controlplane.domain.EnvironmentFlag;
import io.guidon.controlplane.domain.FlagDefinition;
import io.guidon.controlplane.domain.StoredJson;
import io.guidon.controlplane.domain.Violation;
import io.guidon.controlplane.domain.ReadableDiff;
import io.guidon.controlplane.service.AuditService;
import io.guidon.controlplane.service.FlagInsights;
import io.guidon.controlplane.service.FlagFields;
import io.guidon.controlplane.service.Services;
import io.guidon.controlplane.ui.UiRequest;
import io.guidon.controlplane.ui.UiResult;
import io.guidon.controlplane.ui.UiRouter;
import io.guidon.controlplane.ui.form.FlagConfig;
import io.guidon.controlplane.ui.form.FlagConfigForm;
import io.guidon.controlplane.ui.form.FlagDefinitionForm;
import io.guidon.controlplane.ui.form.FormErrors;
import io.guidon.controlplane.ui.form.FormTree;
import io.guidon.controlplane.ui.view.DefinitionSection;
import io.guidon.controlplane.ui.view.EditorContext;
import io.guidon.controlplane.ui.view.EnvSection;
import io.guidon.controlplane.ui.view.EnvTab;
import io.guidon.controlplane.ui.view.EnvironmentView;
import io.guidon.controlplane.ui.view.FlagPageView;
import io.guidon.controlplane.ui.view.RolloutListView;
import io.guidon.controlplane.ui.view.ImpactView;
import io.guidon.controlplane.ui.view.NewFlagView;
import io.guidon.controlplane.ui.view.Review;
import io.guidon.controlplane.ui.view.ScheduleSection;
import io.guidon.controlplane.ui.view.Stale;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The flag page and the page that creates a flag: the definition (description, tags, typed variants; {@code
 * FlagService.create}/{@code update}), and per environment the on/off switch ({@code toggle}) and the editor of the
 * configuration ({@code configure}): off variant, prerequisites, targets, rules with nested conditions, fallthrough.
 * The same services as the admin API, so every change is validated and audited the same.
 *
 * <p>Each form posts to one URL with an {@code action}: a structural edit (add, remove, move: the form is parsed,
 * changed and rendered again, nothing is saved), {@code review} (the diff of what would change, for a rollout its
 * impact), {@code save} (only what was reviewed). htmx swaps the answer into the page; without JavaScript the
 * same URLs answer whole pages. A form always carries the revision it was based on: a save against a newer one is
 * answered 412 with who changed what since, and the user's values stay in the form.
 */
public final class FlagEditorPages {

    /** The prefix of the ids of the definition form's elements. */
    private static final String DEFINITION = "def-";
    private static final int MAX_PREREQUISITE_CHOICES = 200;

    private final Services services;
    private final UiRouter ui;
    private final Clock clock;

    /** @param clock tells the time (when scheduled changes are due: "in 2 h") */
    public FlagEditorPages(Services services, UiRouter ui, Clock clock) {
        this.services = services;
        this.ui = ui;
        this.clock = clock;
    }

    /** Adds the pages' routes (the create page before the flag page, whose key could otherwise be "new"). */
    public void register() {
        ui.get("/ui/flags/new", Role.EDITOR, this::newFlag);
        ui.post("/ui/flags/new", Role.EDITOR, this::create);
        ui.get("/ui/flags/:flag", Role.VIEWER, this::page);
        ui.post("/ui/flags/:flag/definition", Role.EDITOR, this::definition);
        ui.post("/ui/flags/:flag/env/:env", Role.EDITOR, this::environment);
        ui.post("/ui/flags/:flag/env/:env/toggle", Role.EDITOR, this::toggle);
    }

    // ---------------------------------------------------------------- creating a flag

    private UiResult newFlag(UiRequest r) {
        // A whole page also for htmx (a GET here may be htmx following a redirect): never a fragment.
        DefinitionSection d = definitionSection(r, "/ui/flags/new", FlagDefinitionForm.fresh(), new FormErrors(), 0,
                true, true, null, null);
        return ui.render(200, "flags/new.jte", new NewFlagView(ui.shell(r, "New flag", "flags"), d));
    }

    private UiResult newPage(UiRequest r, int status, DefinitionSection d) {
        if (r.htmx()) {
            return ui.render(status, "flags/definition.jte", d);
        }
        return ui.render(status, "flags/new.jte", new NewFlagView(ui.shell(r, "New flag", "flags"), d));
    }

    private UiResult create(UiRequest r) {
        FlagDefinitionForm form = FlagDefinitionForm.parse(FormTree.of(r.form()));
        String action = r.form("action");
        if (!"save".equals(action)) {
            String focus = form.apply(action);
            return newPage(r, 200, definitionSection(r, "/ui/flags/new", form, new FormErrors(), 0, true, true, focus,
                    null));
        }
        FlagDefinitionForm.Body body = form.body(true);
        FlagDefinitionForm.Checked checked = FlagDefinitionForm.check(body.body(), true);
        List<Violation> request = new ArrayList<>(checked.violations());
        body.errors().entries().forEach(e -> request.add(new Violation(form.pointerOf(e.field()), e.message())));
        try {
            FlagDefinition def = services.flags().create(r.actor(), checked.key(), checked.fields(),
                    checked.offVariant(), request);
            return UiResult.redirect("/ui/flags/" + def.key() + "?created=1");
        } catch (DomainException e) {
            FormErrors errors = new FormErrors().addAll(body.errors());
            if (e.kind() == DomainException.Kind.CONFLICT) {
                errors.add("key", "a flag with this key already exists: choose another key");
            } else if (e.kind() == DomainException.Kind.INVALID) {
                definitionErrors(form, e, body.errors(), errors);
            } else {
                throw e;
            }
            return newPage(r, e.kind() == DomainException.Kind.CONFLICT ? 409 : 422,
                    definitionSection(r, "/ui/flags/new", form, errors, 0, true, true, null, null));
        }
    }

    /** The service's violations of a definition, each at its field (the form's own, already there, once). */
    private static void definitionErrors(FlagDefinitionForm form, DomainException e, FormErrors own, FormErrors out) {
        Set<String> mine = new HashSet<>();
        own.entries().forEach(x -> mine.add(form.pointerOf(x.field()) + "\u0000" + x.message()));
        for (Violation v : e.violations()) {
            if (mine.contains(v.where() + "\u0000" + v.message())) {
                continue;
            }
            String field = form.fieldFor(v.where());
            out.add(field, field == null ? v.where().text() + ": " + v.message() : v.message());
        }
    }

    private DefinitionSection definitionSection(UiRequest r, String action, FlagDefinitionForm form, FormErrors errors,
            int revision, boolean creating, boolean open, String focus, Stale stale) {
        EditorContext ctx = new EditorContext(DEFINITION, r.canEdit(), errors, List.of(), action,
                "#" + DEFINITION + "section", focus);
        return new DefinitionSection(action, form, ctx, revision, creating, open, stale, r.session().csrfToken());
    }

    // ---------------------------------------------------------------- the flag page

    private UiResult page(UiRequest r) {
        String key = r.param("flag");
        FlagDefinition def = services.flags().get(r.tenantId(), key);
        List<Environment> envs = environments(r);
        Environment env = chosen(envs, r.query("env"));
        EnvSection section = null;
        if (env != null) {
            EnvironmentFlag ef = services.flags().getIn(r.tenantId(), env.key(), key);
            section = envSection(r, def, env, ef.revision(), FlagConfigForm.fromJson(ef.config()), new FormErrors(),
                    null, null, null, savedNotice(r.query("saved"), env), null);
        }
        String notice = r.query("created") != null ? "Flag " + key + " created: it is off in every environment."
                : "definition".equals(r.query("saved")) ? "Definition saved." : null;
        return renderPage(r, 200, def, envs, env, section, definitionSection(r, "/ui/flags/" + key + "/definition",
                FlagDefinitionForm.of(def), new FormErrors(), def.revision(), false, false, null, null), notice);
    }

    private static String savedNotice(String saved, Environment env) {
        if (saved == null) {
            return null;
        }
        return switch (saved) {
            case "config" -> "Saved to " + env.key() + ": sidecars of the environment receive it within seconds.";
            case "on" -> "Turned on in " + env.key() + ".";
            case "off" -> "Turned off in " + env.key() + ".";
            default -> null;
        };
    }

    private UiResult renderPage(UiRequest r, int status, FlagDefinition def, List<Environment> envs, Environment env,
            EnvSection section, DefinitionSection definition, String notice) {
        List<EnvTab> tabs = new ArrayList<>();
        for (Environment e : envs) {
            boolean enabled = env != null && e.key().equals(env.key()) && section != null ? section.config().enabled
                    : enabledIn(r, e, def.key());
            tabs.add(new EnvTab(e.key(), e.name(), enabled, EnvironmentView.isProtected(e),
                    env != null && e.key().equals(env.key()), "/ui/flags/" + def.key() + "?env=" + url(e.key())));
        }
        List<FlagPageView.VariantRow> variants = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = def.variants().fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> v = it.next();
            variants.add(new FlagPageView.VariantRow(v.getKey(), StoredJson.write(v.getValue())));
        }
        ScheduleSection schedules = env == null || section == null ? null
                : SchedulePages.section(services, clock, r, def.key(), env, section.revision());
        RolloutListView rollouts = env == null || section == null ? null
                : RolloutPages.section(services, clock, r, def.key(), env.key());
        FlagPageView view = new FlagPageView(ui.shell(r, def.key(), "flags"), def, variants, definition, tabs,
                section, schedules, rollouts, notice);
        return ui.render(status, "flags/page.jte", view);
    }

    private boolean enabledIn(UiRequest r, Environment e, String key) {
        try {
            return services.flags().getIn(r.tenantId(), e.key(), key).config().path("enabled").asBoolean(false);
        } catch (DomainException x) {
            return false;
        }
    }

    private List<Environment> environments(UiRequest r) {
        return services.environments().list(r.tenantId(), null, null, 100).items();
    }

    /**
     * The environment {@code key} names, or the first when none is named; NOT_FOUND for a key that names none (a
     * mistyped link must not open another environment's editor, production's say, without a word).
     */
    private static Environment chosen(List<Environment> envs, String key) {
        for (Environment e : envs) {
            if (e.key().equals(key)) {
                return e;
            }
        }
        if (key != null) {
            throw io.guidon.controlplane.domain.DomainException.notFound("there is no environment '" + key
                    + "' in this tenant");
        }
        return envs.isEmpty() ? null : envs.get(0);
    }

    private static String url(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- the definition

    private UiResult definition(UiRequest r) {
        String key = r.param("flag");
        FlagDefinition def = services.flags().get(r.tenantId(), key);
        String action = "/ui/flags/" + key + "/definition";
        FormTree tree = FormTree.of(r.form());
        FlagDefinitionForm form = FlagDefinitionForm.parse(tree);
        form.key = key;
        int base = EditSupport.revision(tree.textOrNull("revision"));
        String verb = r.form("action");
        if (!"save".equals(verb)) {
            String focus = form.apply(verb);
            return definitionAnswer(r, def, 200, definitionSection(r, action, form, new FormErrors(), base, false,
                    true, focus, null));
        }
        FlagDefinitionForm.Body body = form.body(false);
        FlagDefinitionForm.Checked checked = FlagDefinitionForm.check(body.body(), false);
        List<Violation> request = new ArrayList<>(checked.violations());
        body.errors().entries().forEach(e -> request.add(new Violation(form.pointerOf(e.field()), e.message())));
        // The form edits description, tags and variants; metadata and salt are kept as they are (a definition is
        // replaced whole, and the revision check makes sure these are the values the form was based on).
        FlagFields fields = new FlagFields(checked.fields().name(), checked.fields().description(), checked.fields().tags(),
                checked.fields().variants(), def.metadata(), def.salt());
        try {
            services.flags().update(r.actor(), key, base, fields, request);
            return UiResult.redirect("/ui/flags/" + key + "?saved=definition");
        } catch (DomainException e) {
            if (e.kind() == DomainException.Kind.APPROVAL_REQUIRED) {
                return ChangeRequestPages.proposed(services, r, e, new io.guidon.controlplane.domain.ProposedChange
                        .UpdateFlag(key, fields.name(), fields.description(), fields.tags(), fields.variants(),
                        fields.metadata(), fields.salt()), base);
            }
            if (EditSupport.stale(e)) {
                Stale stale = EditSupport.explain(services.audit(), r.tenantId(),
                        new AuditService.Query("flag", key, null, "flag.update", null, null, null), base,
                        "flag " + key + "'s definition", "/ui/flags/" + key);
                return definitionAnswer(r, def, 412, definitionSection(r, action, form, body.errors(), base, false,
                        true, null, stale));
            }
            if (e.kind() != DomainException.Kind.INVALID) {
                throw e;
            }
            FormErrors errors = new FormErrors().addAll(body.errors());
            definitionErrors(form, e, body.errors(), errors);
            return definitionAnswer(r, def, 422, definitionSection(r, action, form, errors, base, false, true, null,
                    null));
        }
    }

    private UiResult definitionAnswer(UiRequest r, FlagDefinition def, int status, DefinitionSection d) {
        if (r.htmx()) {
            return ui.render(status, "flags/definition.jte", d);
        }
        List<Environment> envs = environments(r);
        Environment env = chosen(envs, r.query("env"));
        EnvSection section = null;
        if (env != null) {
            EnvironmentFlag ef = services.flags().getIn(r.tenantId(), env.key(), def.key());
            section = envSection(r, def, env, ef.revision(), FlagConfigForm.fromJson(ef.config()), new FormErrors(),
                    null, null, null, null, null);
        }
        return renderPage(r, status, def, envs, env, section, d, null);
    }

    // ---------------------------------------------------------------- the configuration in an environment

    private UiResult environment(UiRequest r) {
        String key = r.param("flag");
        FlagDefinition def = services.flags().get(r.tenantId(), key);
        Environment env = services.environments().get(r.tenantId(), r.param("env"));
        FormTree tree = FormTree.of(r.form());
        FlagConfig model = FlagConfigForm.parse(tree);
        int base = EditSupport.revision(tree.textOrNull("revision"));
        String action = r.form("action");
        List<String> declared = variantNames(def);
        if (action == null || action.equals("edit") || (!action.equals("review") && !action.equals("save")
                && !action.equals("rebase"))) {
            String focus = FlagConfigForm.apply(model, action, declared);
            return envAnswer(r, def, env, 200, envSection(r, def, env, base, model, new FormErrors(), focus, null,
                    null, null, null));
        }
        if (action.equals("rebase")) {
            base = services.flags().getIn(r.tenantId(), env.key(), key).revision();
        }
        FlagConfigForm.Result read = FlagConfigForm.read(tree);
        if (action.equals("save")) {
            return save(r, def, env, model, base, read, tree);
        }
        return review(r, def, env, model, base, read, null);
    }

    /**
     * The review step: the form's problems and the engine's (the impact estimate judges the configuration as a save
     * would, without saving), else what would change and its impact on recent users. Stale when the configuration
     * moved past {@code base}.
     */
    private UiResult review(UiRequest r, FlagDefinition def, Environment env, FlagConfig model, int base,
            FlagConfigForm.Result read, String notice) {
        EnvironmentFlag current = services.flags().getIn(r.tenantId(), env.key(), def.key());
        if (current.revision() != base) {
            return stale(r, def, env, model, base);
        }
        FormErrors errors = new FormErrors().addAll(read.errors());
        FlagInsights.ChangeImpact impact = null;
        try {
            impact = services.insights().estimate(r.tenantId(), env.key(), def.key(), read.config());
        } catch (DomainException e) {
            if (e.kind() != DomainException.Kind.INVALID) {
                throw e;
            }
            engineErrors(model, def, e, List.of(), errors);
        }
        if (!errors.isEmpty()) {
            return envAnswer(r, def, env, 422, envSection(r, def, env, base, model, errors, null, null, null, null,
                    null));
        }
        Review review = review(r, env, def, read.config(), base, impact);
        if (review.changes().isEmpty()) {
            return envAnswer(r, def, env, 200, envSection(r, def, env, base, model, new FormErrors(), null, null,
                    null, "Nothing to save: the form is the same as the saved configuration.", null));
        }
        return envAnswer(r, def, env, 200, envSection(r, def, env, base, model, new FormErrors(), null, review, null,
                notice, null));
    }

    /**
     * The review step's data: what changes ({@code FlagInsights.diff}, the readable diff of the current
     * configuration and {@code proposed}) and what the change does to the users of the last 24 hours
     * ({@code FlagInsights.estimate}, given as {@code impact}: null when not estimated).
     */
    private Review review(UiRequest r, Environment env, FlagDefinition def, ObjectNode proposed, int base,
            FlagInsights.ChangeImpact impact) {
        List<Review.Change> changes = new ArrayList<>();
        for (ReadableDiff.Change c : services.insights().diff(r.tenantId(), env.key(), def.key(), proposed)) {
            changes.add(new Review.Change(c.kind().name().toLowerCase(Locale.ROOT), c.path().text(),
                    c.before() == null ? null : pretty(c.before()), c.after() == null ? null : pretty(c.after())));
        }
        String confirm = EnvironmentView.isProtected(env) ? env.key() : null;
        return new Review(changes, impact == null ? null : ImpactView.of(impact, env.key()),
                EditSupport.reviewToken(proposed, base), confirm);
    }

    /** The impact estimate of {@code config}, or null when the engine refuses it (the save will say why). */
    private FlagInsights.ChangeImpact impactOrNull(UiRequest r, Environment env, FlagDefinition def,
            ObjectNode config) {
        try {
            return services.insights().estimate(r.tenantId(), env.key(), def.key(), config);
        } catch (DomainException e) {
            if (e.kind() != DomainException.Kind.INVALID) {
                throw e;
            }
            return null;
        }
    }

    private static String pretty(JsonNode n) {
        try {
            return StoredJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(n);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return StoredJson.write(n);
        }
    }

    /** The service's violations that are not the request's own, each at the form field it names. */
    private static void engineErrors(FlagConfig model, FlagDefinition def, DomainException e, List<Violation> request,
            FormErrors out) {
        Set<Violation> mine = new HashSet<>(request);
        List<String> declared = variantNames(def);
        for (Violation v : e.violations()) {
            if (mine.contains(v)) {
                continue;
            }
            String field = FlagConfigForm.fieldFor(model, v.where(), declared);
            out.add(field, field == null ? v.where().text() + ": " + v.message() : v.message());
        }
    }

    private UiResult save(UiRequest r, FlagDefinition def, Environment env, FlagConfig model, int base,
            FlagConfigForm.Result read, FormTree tree) {
        if (!read.errors().isEmpty()) {
            return review(r, def, env, model, base, read, null);
        }
        String reviewed = tree.text("reviewed");
        if (!reviewed.equals(EditSupport.reviewToken(read.config(), base))) {
            // Only what was reviewed is saved: a form changed after its review (or never reviewed) is reviewed again.
            return review(r, def, env, model, base, read, reviewed.isEmpty() ? null
                    : "The form changed after the review: review the changes again before saving.");
        }
        if (EnvironmentView.isProtected(env) && !env.key().equals(tree.text("confirmSave").strip())) {
            FormErrors errors = new FormErrors().add("confirmSave", "type " + env.key() + " to confirm a change"
                    + " of this protected environment; nothing was saved");
            return envAnswer(r, def, env, 422, envSection(r, def, env, base, model, errors, "confirmSave",
                    review(r, env, def, read.config(), base, impactOrNull(r, env, def, read.config())), null, null,
                    null));
        }
        try {
            services.flags().configure(r.actor(), env.key(), def.key(), base, read.config(), StoredJson.object(),
                    List.of());
            return UiResult.redirect("/ui/flags/" + def.key() + "?env=" + url(env.key()) + "&saved=config");
        } catch (DomainException e) {
            if (EditSupport.stale(e)) {
                return stale(r, def, env, model, base);
            }
            if (e.kind() != DomainException.Kind.INVALID) {
                return ChangeRequestPages.proposed(services, r, e, new io.guidon.controlplane.domain.ProposedChange
                        .Configure(env.key(), def.key(), read.config()), base);
            }
            FormErrors errors = new FormErrors();
            engineErrors(model, def, e, List.of(), errors);
            return envAnswer(r, def, env, 422, envSection(r, def, env, base, model, errors, null, null, null, null,
                    null));
        }
    }

    /** 412: the form's values as they are, and who changed the configuration since {@code base}. */
    private UiResult stale(UiRequest r, FlagDefinition def, Environment env, FlagConfig model, int base) {
        Stale stale = EditSupport.explain(services.audit(), r.tenantId(),
                new AuditService.Query("flag", def.key(), env.key(), null, null, null, null), base,
                "flag " + def.key() + " in " + env.key(), "/ui/flags/" + def.key() + "?env=" + url(env.key()));
        return envAnswer(r, def, env, 412, envSection(r, def, env, base, model, new FormErrors(), null, null, stale,
                null, null));
    }

    private UiResult toggle(UiRequest r) {
        String key = r.param("flag");
        FlagDefinition def = services.flags().get(r.tenantId(), key);
        Environment env = services.environments().get(r.tenantId(), r.param("env"));
        FormTree tree = FormTree.of(r.form());
        int base = EditSupport.revision(tree.textOrNull("toggle.revision"));
        boolean enabled = tree.text("toggle.enabled").equals("true");
        // With htmx the editor's values come along (hx-include): they are shown again as they were.
        boolean withEditor = tree.has("offVariant") || tree.has("fallthrough");
        int editorBase = withEditor ? EditSupport.revision(tree.textOrNull("revision")) : base;
        FlagConfig model = withEditor ? FlagConfigForm.parse(tree) : null;
        if (EnvironmentView.isProtected(env) && !env.key().equals(tree.text("confirm").strip())) {
            EnvironmentFlag current = services.flags().getIn(r.tenantId(), env.key(), key);
            FlagConfig shown = model != null ? model : FlagConfigForm.fromJson(current.config());
            return envAnswer(r, def, env, 422, envSection(r, def, env, editorBase, shown, new FormErrors(), null,
                    null, null, null, env.name() + " is protected: type its key " + env.key() + " to confirm turning"
                    + " the flag " + (enabled ? "on" : "off") + ". Nothing was changed."));
        }
        EnvironmentFlag updated;
        try {
            updated = services.flags().toggle(r.actor(), env.key(), key, base, enabled);
        } catch (DomainException e) {
            if (!EditSupport.stale(e)) {
                return ChangeRequestPages.proposed(services, r, e, new io.guidon.controlplane.domain.ProposedChange
                        .Toggle(env.key(), key, enabled), base);
            }
            EnvironmentFlag current = services.flags().getIn(r.tenantId(), env.key(), key);
            FlagConfig shown = model != null ? model : FlagConfigForm.fromJson(current.config());
            return stale(r, def, env, shown, model != null ? editorBase : base);
        }
        if (!r.htmx()) {
            return UiResult.redirect("/ui/flags/" + key + "?env=" + url(env.key()) + "&saved=" + (enabled ? "on"
                    : "off"));
        }
        FlagConfig shown = model != null ? model : FlagConfigForm.fromJson(updated.config());
        shown.enabled = enabled;
        // The editor was based on the revision the switch moved from: it is now based on the switch's result.
        int newBase = editorBase == base ? updated.revision() : editorBase;
        return envAnswer(r, def, env, 200, envSection(r, def, env, newBase, shown, new FormErrors(),
                "toggle-button", null, null, "Turned " + (enabled ? "on" : "off") + " in " + env.key() + ".", null));
    }

    private UiResult envAnswer(UiRequest r, FlagDefinition def, Environment env, int status, EnvSection section) {
        if (r.htmx()) {
            return ui.render(status, "flags/env-section.jte", section);
        }
        return renderPage(r, status, def, environments(r), env, section, definitionSection(r, "/ui/flags/"
                + def.key() + "/definition", FlagDefinitionForm.of(def), new FormErrors(), def.revision(), false,
                false, null, null), null);
    }

    /**
     * The environment's section for {@code model}: everything the editor needs besides the configuration (the
     * flag's variants, the environment's segments, flags and their variants for prerequisites).
     */
    private EnvSection envSection(UiRequest r, FlagDefinition def, Environment env, int revision, FlagConfig model,
            FormErrors errors, String focus, Review review, Stale stale, String notice, String toggleError) {
        String prefix = "env-" + env.key().replace('.', '_') + "-";
        boolean edit = r.canEdit();
        List<String> segments = edit ? segmentKeys(r, env) : List.of();
        List<String> flagChoices = new ArrayList<>();
        if (edit) {
            for (FlagDefinition f : services.flags().list(r.tenantId(), null, null, null, MAX_PREREQUISITE_CHOICES)
                    .items()) {
                if (!f.key().equals(def.key())) {
                    flagChoices.add(f.key());
                }
            }
        }
        Map<String, List<String>> prerequisiteVariants = new LinkedHashMap<>();
        for (FlagConfig.Prerequisite p : model.prerequisites) {
            if (!p.flag.isEmpty() && !prerequisiteVariants.containsKey(p.flag)) {
                try {
                    prerequisiteVariants.put(p.flag, variantNames(services.flags().get(r.tenantId(), p.flag)));
                } catch (DomainException e) {
                    // not a flag of the tenant: the variant stays a text input; the engine names the problem
                }
            }
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = def.variants().fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> v = it.next();
            String text = StoredJson.write(v.getValue());
            values.put(v.getKey(), text.length() > 40 ? text.substring(0, 39) + "…" : text);
        }
        String focusKey = "toggle-button".equals(focus) ? null : focus;
        EditorContext ctx = new EditorContext(prefix, edit, errors, segments, "/ui/flags/" + def.key() + "/env/"
                + env.key(), "#" + prefix + "section", focusKey);
        return new EnvSection(def.key(), env.key(), env.name(), EnvironmentView.isProtected(env), revision, model,
                variantNames(def), values, flagChoices, prerequisiteVariants, ctx, review, stale, notice, toggleError,
                r.session().csrfToken(), env.requiredApprovals());
    }

    private List<String> segmentKeys(UiRequest r, Environment env) {
        List<String> out = new ArrayList<>();
        services.segments().list(r.tenantId(), env.key(), null, null, 1000).items().forEach(s -> out.add(s.key()));
        return out;
    }

    static List<String> variantNames(FlagDefinition def) {
        List<String> out = new ArrayList<>();
        def.variants().fieldNames().forEachRemaining(out::add);
        return out;
    }
}
