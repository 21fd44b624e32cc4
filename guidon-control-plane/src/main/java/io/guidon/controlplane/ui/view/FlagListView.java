package io.guidon.controlplane.ui.view;

import io.guidon.controlplane.domain.FlagDefinition;
import java.util.List;

/**
 * The flags page: the tenant's flags matching the search {@code q} and {@code tag}, one page of them.
 * (A first version over the flag list; the per-environment overview replaces its rows.)
 */
public record FlagListView(Shell shell, String q, String tag, List<FlagDefinition> flags, long total, String next) {
}
