package io.guidon.controlplane.ui.pages;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.Page;
import io.guidon.controlplane.domain.StoredJson;
import io.guidon.controlplane.service.AuditService;
import io.guidon.controlplane.ui.view.Stale;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** What the editing pages share: revisions from forms, the 412 explanation from the audit log, review tokens. */
final class EditSupport {

    private EditSupport() {
    }

    /** The revision a form says it is based on; -1 when it says none (a forged form: always stale). */
    static int revision(String text) {
        try {
            return text == null ? -1 : Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Whether {@code e} says the change was based on an old revision. */
    static boolean stale(DomainException e) {
        return e.kind() == DomainException.Kind.STALE;
    }

    /**
     * The 412 explanation of a form based on revision {@code base} of {@code what}: the audit log's entries of the
     * resource since (those whose {@code after} has a revision above {@code base}; at most 10, newest first).
     *
     * @param query the audit entries of the resource (type, key, environment, action)
     */
    static Stale explain(AuditService audit, long tenantId, AuditService.Query query, int base, String what,
            String reloadUrl) {
        List<Stale.Change> changes = new ArrayList<>();
        Page<JsonNode> page = audit.list(tenantId, query, 20);
        for (JsonNode e : page.items()) {
            JsonNode rev = e.path("after").path("revision");
            if (rev.isInt() && rev.intValue() <= base) {
                continue;
            }
            changes.add(new Stale.Change(e.path("actor").path("name").asText("someone"),
                    e.path("at").asText("").replace('T', ' ').replaceAll("\\.\\d+Z$", "Z").replace("Z", " UTC"),
                    words(e.path("action").asText(""), e.path("environment").asText(null))
                            + details(e.path("before"), e.path("after"))));
            if (changes.size() == 10) {
                break;
            }
        }
        String message = base < 0 ? "This form did not say which version of " + what + " it was based on, so it"
                + " was not saved."
                : "Your form was based on revision " + base + " of " + what + "; it has changed since"
                + (changes.isEmpty() ? "." : ":");
        return new Stale(message, changes, reloadUrl);
    }

    /** The most that {@link #details} lists of one change. */
    private static final int DETAILS = 4;
    /** Bookkeeping members of a resource's audit view: not what a person changed. */
    private static final java.util.Set<String> BOOKKEEPING = java.util.Set.of("revision", "createdAt", "updatedAt",
            "version");

    /**
     * What an audit entry changed, as {@code ": fallthrough.variant "off" → "on"; …"} (the first few changes of
     * its readable diff, bookkeeping left out); "" when there is nothing to show.
     */
    static String details(JsonNode before, JsonNode after) {
        List<String> parts = new ArrayList<>();
        int more = 0;
        for (io.guidon.controlplane.domain.ReadableDiff.Change c
                : io.guidon.controlplane.domain.ReadableDiff.between(before, after)) {
            String path = c.path().text();
            String top = path.split("[.\\[]", 2)[0];
            if (BOOKKEEPING.contains(top)) {
                continue;
            }
            if (parts.size() == DETAILS) {
                more++;
                continue;
            }
            parts.add((path.isEmpty() ? "the whole" : path) + " " + shown(c.before()) + " \u2192 " + shown(c.after()));
        }
        if (parts.isEmpty()) {
            return "";
        }
        return ": " + String.join("; ", parts) + (more > 0 ? "; and " + more + " more" : "");
    }

    private static String shown(JsonNode value) {
        if (value == null || value.isMissingNode()) {
            return "(none)";
        }
        String text = StoredJson.write(value);
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }

    /** An audit action in words. */
    static String words(String action, String env) {
        String in = env == null || env.isEmpty() ? "" : " in " + env;
        return switch (action) {
            case "flag.enable" -> "turned the flag on" + in;
            case "flag.disable" -> "turned the flag off" + in;
            case "flag.configure" -> "changed its targeting" + in;
            case "flag.rollout" -> "changed its rollout" + in;
            case "flag.update" -> "changed its definition (description, tags or variants)";
            case "flag.create" -> "created the flag";
            case "flag.delete" -> "deleted the flag";
            case "segment.create" -> "created the segment" + in;
            case "segment.update" -> "changed the segment" + in;
            case "segment.delete" -> "deleted the segment" + in;
            default -> action + in;
        };
    }

    /**
     * The token of a reviewed change: a hash of the configuration reviewed and the revision it applies to, so that
     * Save saves exactly what the review showed (the form may change after the review: the user is asked again).
     */
    static String reviewToken(JsonNode config, int revision) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(StoredJson.write(StoredJson.parse(StoredJson.write(config))).getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(Integer.toString(revision).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
