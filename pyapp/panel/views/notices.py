"""The panel's notices: every state that is not a list of orders has words and, where it helps, one way out."""

from __future__ import annotations

from pyapp.loop.errors import AuthError, LoopError
from pyapp.panel.i18n import Translate
from pyapp.panel.sentences import error_key
from pyapp.panel.vdom import VNode, h


def skeleton(t: Translate, key: str) -> VNode:
    return h(
        "div",
        {"class": "skeleton", "aria-busy": "true", "role": "status"},
        h("p", {"class": "muted"}, t(key)),
        h("div", {"class": "sk-line"}),
        h("div", {"class": "sk-line short"}),
        h("div", {"class": "sk-line"}),
    )


def waiting_policy(t: Translate, unreadable: bool = False) -> VNode:
    return h(
        "div",
        {"class": "notice", "role": "status"},
        h("p", {}, t("policyUnknown" if unreadable else "waitingPolicy")),
        h("button", {"type": "button", "class": "primary", "data-action": "retry-policy"}, t("retry")),
    )


def not_configured(t: Translate, disabled: bool) -> VNode:
    return h(
        "div",
        {"class": "notice", "role": "status"},
        h("p", {}, t("notConfiguredDisabled" if disabled else "notConfigured")),
        h("button", {"type": "button", "class": "primary", "data-action": "open-options"}, t("openSettings")),
    )


def covered(t: Translate, moved: bool = False) -> VNode:
    """A click the panel did not act on: it was covered or dressed up, or the control had just moved."""
    return h("p", {"class": "notice error", "role": "alert"}, t("panelMoved" if moved else "panelCovered"))


def fatal(t: Translate, err: LoopError, seconds_left: int = 0) -> VNode:
    """Loop's error for the whole ticket, as one sentence: a key problem leads to the settings, the rest to Retry
    (which counts down the seconds Loop asked to wait, after a 429)."""
    if isinstance(err, AuthError):
        action = h("button", {"type": "button", "data-action": "open-options"}, t("openSettings"))
    else:
        label = t("retryIn", seconds=str(seconds_left)) if seconds_left > 0 else t("retry")
        action = h("button", {"type": "button", "class": "primary", "data-action": "retry", "id": "retry"}, label)
    return h("div", {"class": "notice error", "role": "alert"}, h("p", {}, t(error_key(err))), action)


def status(t: Translate, key: str, cls: str = "notice") -> VNode:
    return h("p", {"class": cls, "role": "status"}, t(key))
