package io.guidon.controlplane.ui.view;

import io.guidon.controlplane.api.Fields;
import io.guidon.controlplane.api.Text;
import io.guidon.controlplane.domain.Environment;
import io.guidon.engine.FlagDocumentCompiler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The environment form (create and edit) as typed, with its problems: the same rules as the admin API's
 * ({@code POST}/{@code PUT /api/v1/environments}), checked before the service is called so that each message
 * stands next to its field.
 *
 * @param key the environment's key (read-only when editing)
 * @param name its display name; blank on creation means the key
 * @param protectedEnvironment whether changes to its flags ask for a typed confirmation (production)
 * @param revision when editing, the revision the form was read at (the change's If-Match); null when creating
 * @param errors field name ({@code key}, {@code name}, {@code description}, {@code requiredApprovals}) to message
 * @param requiredApprovals how many approvals its changes need, as typed (0 to 10; docs/adr/0115-approvals.md)
 */
public record EnvironmentForm(String key, String name, String description, boolean protectedEnvironment,
        Integer revision,
        Map<String, String> errors, String requiredApprovals) implements FieldErrors {

    public EnvironmentForm {
        errors = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(errors));
        requiredApprovals = requiredApprovals == null ? "0" : requiredApprovals;
    }

    /** A form whose environment needs no approvals. */
    public EnvironmentForm(String key, String name, String description, boolean protectedEnvironment,
            Integer revision, Map<String, String> errors) {
        this(key, name, description, protectedEnvironment, revision, errors, "0");
    }

    /** The approvals typed, once the form is valid. */
    public int approvals() {
        return Integer.parseInt(requiredApprovals.strip());
    }

    /** Checks the approvals typed ({@code errors} gets the problem). */
    private static String approvals(Map<String, List<String>> form, Map<String, String> errors) {
        String v = field(form, "requiredApprovals").strip();
        if (v.isEmpty()) {
            return "0";
        }
        if (!v.matches("[0-9]{1,2}") || Integer.parseInt(v) > Environment.MAX_APPROVALS) {
            errors.put("requiredApprovals", "Enter a whole number from 0 (changes apply at once) to "
                    + Environment.MAX_APPROVALS + ".");
        }
        return v;
    }

    /** An empty creation form. */
    public static EnvironmentForm blank() {
        return new EnvironmentForm("", "", "", false, null, Map.of());
    }

    /** The edit form of {@code e} as stored. */
    public static EnvironmentForm of(Environment e) {
        return new EnvironmentForm(e.key(), e.name(), e.description(), e.protectedEnvironment(), e.revision(),
                Map.of(), Integer.toString(e.requiredApprovals()));
    }

    /** Whether this form edits an existing environment (it carries the revision it was read at). */
    public boolean editing() {
        return revision != null;
    }

    /**
     * The creation form posted as {@code form} (fields {@code key}, {@code name}, {@code description}, and the
     * checkbox {@code protected}), checked.
     */
    public static EnvironmentForm parseCreate(Map<String, List<String>> form) {
        Map<String, String> errors = new LinkedHashMap<>();
        String key = field(form, "key").strip();
        if (key.isEmpty()) {
            errors.put("key", "Enter a key: it names the environment in the API and in sidecar settings.");
        } else if (!FlagDocumentCompiler.KEY.matcher(key).matches()) {
            errors.put("key", "A key is 1 to 128 of a-z, 0-9, '.', '_', '-', starting with a letter or digit.");
        }
        String name = field(form, "name");
        text(errors, "name", name, Fields.MAX_NAME);
        String description = field(form, "description");
        text(errors, "description", description, Fields.MAX_DESCRIPTION);
        String approvals = approvals(form, errors);
        return new EnvironmentForm(key, name, description, checked(form, "protected"), null, errors, approvals);
    }

    /**
     * The edit form of environment {@code key} posted as {@code form} (fields {@code name}, {@code description},
     * {@code protected}, {@code revision}), checked.
     */
    public static EnvironmentForm parseEdit(String key, Map<String, List<String>> form) {
        Map<String, String> errors = new LinkedHashMap<>();
        String name = field(form, "name");
        if (name.isBlank()) {
            errors.put("name", "Enter a name.");
        } else {
            text(errors, "name", name, Fields.MAX_NAME);
        }
        String description = field(form, "description");
        text(errors, "description", description, Fields.MAX_DESCRIPTION);
        Integer revision = null;
        try {
            revision = Integer.valueOf(field(form, "revision").strip());
        } catch (NumberFormatException e) {
            errors.put("revision", "This form lacks the revision it was read at: reload the page.");
        }
        String approvals = approvals(form, errors);
        return new EnvironmentForm(key, name, description, checked(form, "protected"), revision == null ? -1 : revision,
                errors, approvals);
    }

    /** The name to store: the key when left blank on creation. */
    public String nameOrKey() {
        return name.isBlank() ? key : name;
    }

    /** This form with {@code message} on {@code field} (a problem the service found). */
    public EnvironmentForm withError(String field, String message) {
        Map<String, String> all = new LinkedHashMap<>(errors);
        all.put(field, message);
        return new EnvironmentForm(key, name, description, protectedEnvironment, revision, all, requiredApprovals);
    }

    /** Whether the checkbox {@code name} was ticked (a browser sends a ticked box only). */
    static boolean checked(Map<String, List<String>> form, String name) {
        List<String> all = form.get(name);
        return all != null && !all.isEmpty() && !"".equals(all.get(0)) && !"false".equals(all.get(0));
    }

    private static void text(Map<String, String> errors, String field, String value, int max) {
        String problem = Text.problem(value, max);
        if (problem != null) {
            errors.put(field, capitalize(problem) + ".");
        }
    }

    static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /**
     * The first value of {@code name} ("" when absent), with the CR LF line breaks browsers send for a textarea
     * read as LF (the API's text accepts LF, not CR).
     */
    static String field(Map<String, List<String>> form, String name) {
        List<String> all = form.get(name);
        return all == null || all.isEmpty() || all.get(0) == null ? "" : all.get(0).replace("\r\n", "\n");
    }
}
