"""Reading and clicking the panel's view on CPython as an agent does: by the words on a control, through the
same ``data-action`` / ``data-order`` (or ``data-return``) the panel frame's one listener sends."""

from __future__ import annotations

from collections.abc import Iterator

from pyapp.panel.vdom import VNode
from tests.unit.conftest import run


def nodes(node: VNode) -> Iterator[VNode]:
    yield node
    for c in node.children:
        if isinstance(c, VNode):
            yield from nodes(c)


def text(node: VNode) -> str:
    return node.text()


def controls(view: VNode, label: str, order: str | None = None) -> list[VNode]:
    """The controls reading ``label`` (a button's words; a form by its submit button's words), in the card of
    ``order`` when given."""
    scope = view
    if order is not None:
        cards = [n for n in nodes(view) if n.tag == "section" and n.attrs.get("data-order") == order]
        assert cards, f"no card for {order} on screen"
        scope = cards[0]
    found = []
    for n in nodes(scope):
        if (n.tag == "button" and n.text().strip() == label and "data-action" in n.attrs) or (
            n.tag == "form"
            and any(
                b.tag == "button" and b.attrs.get("type") == "submit" and b.text().strip() == label for b in nodes(n)
            )
        ):
            found.append(n)
    return found


def press(panel, label: str, card: str | None = None, **values: str) -> None:
    """Click the control reading ``label``, in the card of order ``card`` when given (Enter in a form, with
    ``values`` typed into its fields): runs its action to the end."""
    found = controls(panel.view(), label, card)
    assert found, f"no control reading {label!r} on screen"
    el = found[0]
    target = el.attrs.get("data-order", el.attrs.get("data-return", ""))  # an order, or a return's own control
    assert run(panel.act(el.attrs["data-action"], target, values)), el.attrs
