"""Measurements of the panel in the page, as a person sees it: which of the page's texts it covers."""

from __future__ import annotations

import time

# For every visible text of the page (its centre point, inside the viewport): does it fall inside ``box``,
# and does document.elementFromPoint there still return the text's own element?
COVERAGE_JS = """box => {
  const out = { visible: 0, inside: 0, covered: [] };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.data.trim() || !el || !el.checkVisibility()) continue;
    const range = document.createRange();
    range.selectNodeContents(n);
    for (const r of range.getClientRects()) {
      const x = r.left + r.width / 2, y = r.top + r.height / 2;
      if (r.width < 1 || r.height < 1 || x < 0 || y < 0 || x > innerWidth || y > innerHeight) continue;
      out.visible += 1;
      if (x < box.x || x > box.x + box.width || y < box.y || y > box.y + box.height) continue;
      out.inside += 1;
      const hit = document.elementFromPoint(x, y);
      if (!(hit && el.contains(hit))) out.covered.push(n.data.trim().slice(0, 40));
    }
  }
  return out;
}"""


# The panel's host, found the way any page script could: the one <div> our content script appends to <html>.
HOST_JS = "() => [...document.documentElement.children].find(e => e.localName === 'div')"


def frame_box(panel) -> dict:
    """The part of the panel a person sees: its host's box (the frame inside it stands still over the sidebar's
    visible band and the host clips it to the panel)."""
    box = panel.page.evaluate(
        f"(() => {{ const r = ({HOST_JS})().getBoundingClientRect(); "
        "return {x: r.x, y: r.y, width: r.width, height: r.height}; })()"
    )
    assert box and box["width"] > 100 and box["height"] > 40, box
    return box


def coverage(page, panel) -> dict:
    return page.evaluate(COVERAGE_JS, frame_box(panel))


def box_of(page, text: str) -> dict:
    """The page box of the element whose own text is ``text`` (the order list's rows, the sidebar). An app that
    re-renders its sidebar several times a second can detach the element mid-read: read it again then."""
    for _ in range(20):
        box = page.get_by_text(text, exact=True).first.bounding_box()
        if box is not None:
            return box
        page.wait_for_timeout(50)
    raise AssertionError(f"{text!r} is not on the page")


IN_VIEW = "el => globalThis.loopFrame.inView(el)"  # inside the part of the panel's frame the page shows


def into_view(control, timeout: float = 10) -> None:
    """As a person brings a control below the fold into view: the mouse wheel over the sidebar, as often as it
    takes (the panel may grow meanwhile). Nothing scrolls inside the panel's frame; the sidebar does."""
    control.wait_for(timeout=10_000)
    page = control.page
    deadline = time.monotonic() + timeout
    while not control.evaluate(IN_VIEW) and time.monotonic() < deadline:
        side = page.get_by_role("complementary").bounding_box()
        box = control.bounding_box()
        if box is None or side is None:
            time.sleep(0.05)
            continue
        page.mouse.move(side["x"] + side["width"] / 2, side["y"] + side["height"] / 2)
        page.mouse.wheel(0, box["y"] - (side["y"] + side["height"] / 2))
        time.sleep(0.1)
    if not control.evaluate(IN_VIEW):
        side = page.get_by_role("complementary")
        raise AssertionError(
            f"scrolling the sidebar did not bring the control into view: control {control.bounding_box()}, "
            f"sidebar {side.bounding_box()}, scroll {side.evaluate('el => [el.scrollTop, el.scrollHeight]')}"
        )


def tap(control) -> None:
    """A real mouse click on a panel control the moment it is on screen, as an agent clicks: scrolled into view
    with the wheel if it is below the fold, then pressed and released at its centre, with no pause for the panel
    to settle (the frame stands still: Chrome has no reason to drop the click, issue 21)."""
    into_view(control)
    control.click(timeout=5_000)
