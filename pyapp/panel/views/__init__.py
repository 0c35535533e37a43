"""The views of the panel: pure functions from ``PanelState`` to an inert ``VNode`` tree."""
