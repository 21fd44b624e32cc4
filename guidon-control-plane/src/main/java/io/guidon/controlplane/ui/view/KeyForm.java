package io.guidon.controlplane.ui.view;

import io.guidon.controlplane.api.Fields;
import io.guidon.controlplane.api.Text;
import io.guidon.controlplane.auth.Role;
import io.guidon.engine.FlagDocumentCompiler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The form that creates an API key, as typed, with its problems: the admin API's rules for
 * {@code POST /api/v1/keys} (a name of plain text; a role; an environment for a sidecar key and for no other),
 * checked before the service is called so that each message stands next to its field.
 *
 * @param name the key's name (who or what uses it)
 * @param role {@code admin}, {@code editor}, {@code viewer} or {@code sidecar} as posted ("" when none)
 * @param environment a sidecar key's environment key; "" for other roles
 * @param once the form's one-time token: a second post of the same form (a reload of the result page) creates no
 *     second key
 * @param errors field name ({@code name}, {@code role}, {@code environment}) to message
 */
public record KeyForm(String name, String role, String environment, String once, Map<String, String> errors)
        implements FieldErrors {

    /** The roles a key can have, in the order the form offers them, with what each may do. */
    public static final List<Map.Entry<String, String>> ROLES = List.of(
            Map.entry("viewer", "Viewer: reads flags, segments and history"),
            Map.entry("editor", "Editor: changes flags and segments"),
            Map.entry("admin", "Admin: everything, environments and keys included"),
            Map.entry("sidecar", "Sidecar: fetches one environment's flags"));

    public KeyForm {
        errors = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(errors));
    }

    /** An empty form with a new one-time token. */
    public static KeyForm blank(String once) {
        return new KeyForm("", "viewer", "", once, Map.of());
    }

    /** The form posted as {@code form}, checked. */
    public static KeyForm parse(Map<String, List<String>> form) {
        Map<String, String> errors = new LinkedHashMap<>();
        String name = EnvironmentForm.field(form, "name");
        if (name.isBlank()) {
            errors.put("name", "Enter a name: who or what will use the key (e.g. \u201cCI deploys\u201d).");
        } else {
            String problem = Text.problem(name, Fields.MAX_NAME);
            if (problem != null) {
                errors.put("name", EnvironmentForm.capitalize(problem) + ".");
            }
        }
        String role = EnvironmentForm.field(form, "role").strip();
        Role parsed = Role.parse(role);
        if (parsed == null) {
            errors.put("role", role.isEmpty() ? "Choose a role."
                    : "Choose one of admin, editor, viewer, sidecar (not \u201c" + role + "\u201d).");
        }
        String environment = EnvironmentForm.field(form, "environment").strip();
        if (parsed == Role.SIDECAR) {
            if (environment.isEmpty()) {
                errors.put("environment", "Choose the environment a sidecar key fetches.");
            } else if (!FlagDocumentCompiler.KEY.matcher(environment).matches()) {
                errors.put("environment", "There is no environment \u201c" + environment + "\u201d.");
            }
        } else if (parsed != null && !environment.isEmpty()) {
            errors.put("environment", "Only sidecar keys are bound to an environment: leave it empty for "
                    + parsed.withArticle() + " key.");
        }
        return new KeyForm(name, role, environment, EnvironmentForm.field(form, "once"), errors);
    }

    /** The role chosen (valid forms only). */
    public Role parsedRole() {
        return Role.parse(role);
    }

    /** The environment to bind the key to: null unless it is a sidecar key. */
    public String environmentOrNull() {
        return environment.isEmpty() ? null : environment;
    }

    /** This form with {@code message} on {@code field} (a problem the service found). */
    public KeyForm withError(String field, String message) {
        Map<String, String> all = new LinkedHashMap<>(errors);
        all.put(field, message);
        return new KeyForm(name, role, environment, once, all);
    }

    /** This form with a new one-time token (after a refusal, the corrected form is a new submission). */
    public KeyForm withOnce(String token) {
        return new KeyForm(name, role, environment, token, errors);
    }

    /** {@code "selected"}-style helper: true when {@code value} is the chosen role. */
    public boolean isRole(String value) {
        return value.equals(role);
    }
}
