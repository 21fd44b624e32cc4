package io.guidon.controlplane.ui.view;

import io.guidon.controlplane.domain.ApiKey;
import io.guidon.controlplane.domain.Environment;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The API keys page (admins only): the creation form and a page of the tenant's keys, oldest first, revoked ones
 * too; never a secret (only the visible prefix that identifies a key in logs).
 *
 * @param environments the tenant's environments, for a sidecar key's environment
 * @param notice what was just done (null: nothing)
 * @param error why a revocation was refused (null: none)
 * @param next the cursor of the next page, null on the last
 * @param firstPage whether this is the first page
 * @param signedInKey the key the viewer is signed in with (its revocation signs them out)
 * @param now when the page is rendered, for the relative times
 */
public record KeyListView(Shell shell, KeyForm form, List<Environment> environments, List<ApiKey> keys, long total,
        String notice, String error, String next, boolean firstPage, UUID signedInKey, Instant now) {

    public KeyListView {
        environments = List.copyOf(environments);
        keys = List.copyOf(keys);
    }

    /** The key's visible part, as it starts in the key text: {@code gdn_<prefix>_…}. */
    public static String shown(ApiKey k) {
        return "gdn_" + k.prefix() + "_\u2026";
    }

    public String ago(java.time.OffsetDateTime t) {
        return Moments.ago(t, now);
    }

    /** What the revoke button's confirmation asks. */
    public String revokeQuestion(ApiKey k) {
        String q = "Revoke the key \u201c" + k.name() + "\u201d (" + k.role() + ")? Requests with it are refused at"
                + " once and its UI sessions end. This cannot be undone.";
        return k.id().equals(signedInKey) ? q + " It is the key you are signed in with: you will be signed out." : q;
    }
}
