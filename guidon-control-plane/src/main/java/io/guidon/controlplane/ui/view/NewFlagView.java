package io.guidon.controlplane.ui.view;

/** The page that creates a flag: its definition form. */
public record NewFlagView(Shell shell, DefinitionSection definition) {
}
