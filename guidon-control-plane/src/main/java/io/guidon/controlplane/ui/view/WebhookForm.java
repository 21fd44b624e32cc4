package io.guidon.controlplane.ui.view;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.domain.StoredJson;
import io.guidon.controlplane.domain.Violation;
import io.guidon.controlplane.domain.WebhookSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The new-webhook form of {@code /ui/webhooks}: the URL, the event types (checkboxes), the environments and tags
 * (comma-separated), the timeout in seconds and a description, as posted; read into the API's body and checked by
 * the same {@link WebhookSpec#parse}, so the page and the API accept exactly the same subscriptions. Errors are
 * keyed by the form's field names.
 */
public record WebhookForm(String url, List<String> eventTypes, String environments, String tags, String timeout,
        String description, String once, Map<String, String> errors) implements FieldErrors {

    public WebhookForm {
        eventTypes = List.copyOf(eventTypes);
        errors = Map.copyOf(errors);
    }

    /** An empty form with one-time token {@code once}. */
    public static WebhookForm blank(String once) {
        return new WebhookForm("", List.of("flag.toggled"), "", "", "", "", once, Map.of());
    }

    /** The posted form, unchecked. */
    public static WebhookForm read(Function<String, String> field, List<String> eventTypes) {
        return new WebhookForm(FormFields.or(field.apply("url"), "").strip(), eventTypes,
                FormFields.or(field.apply("environments"), ""), FormFields.or(field.apply("tags"), ""),
                FormFields.or(field.apply("timeout"), "").strip(), FormFields.or(field.apply("description"), ""),
                field.apply("once"), Map.of());
    }

    /** The API's body this form stands for. */
    public ObjectNode body() {
        ObjectNode o = StoredJson.object();
        o.put("url", url);
        ArrayNode types = o.putArray("eventTypes");
        eventTypes.forEach(types::add);
        list(environments, o.putArray("environments"));
        list(tags, o.putArray("tags"));
        if (!description.isBlank()) {
            o.put("description", description);
        }
        if (!timeout.isEmpty()) {
            o.put("timeout", timeout.matches("[0-9]{1,3}") ? "PT" + timeout + "S" : timeout);
        }
        return o;
    }

    private static void list(String commaSeparated, ArrayNode into) {
        for (String s : commaSeparated.split(",")) {
            if (!s.isBlank()) {
                into.add(s.strip());
            }
        }
    }

    /** The parsed spec and its violations ({@link WebhookSpec#parse} of {@link #body()}). */
    public WebhookSpec.Parsed parse(Duration defaultTimeout) {
        return WebhookSpec.parse(body(), defaultTimeout);
    }

    /** This form with {@code violations} shown at their fields (their pointer's first member), and a new token. */
    public WebhookForm withViolations(List<Violation> violations, String newOnce) {
        Map<String, String> e = new LinkedHashMap<>();
        for (Violation v : violations) {
            String field = v.where().size() == 0 ? "url" : v.where().token(0);
            String message = (v.where().size() > 1 ? v.where().text() + ": " : "") + v.message();
            e.merge(field, message, (a, b) -> a + "; " + b);
        }
        return new WebhookForm(url, eventTypes, environments, tags, timeout, description, newOnce, e);
    }

    /** Whether event type {@code type} is ticked. */
    public boolean has(String type) {
        return eventTypes.contains(type);
    }

    /** The event types' groups for the checkboxes: the part before the dot, and its types. */
    public static Map<String, List<String>> groups(List<String> all) {
        Map<String, List<String>> g = new LinkedHashMap<>();
        for (String t : all) {
            g.computeIfAbsent(t.substring(0, t.indexOf('.')), k -> new ArrayList<>()).add(t);
        }
        return g;
    }
}
