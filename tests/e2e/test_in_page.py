"""The panel is part of the page: in the details sidebar under the order list it reads, covering nothing of the
helpdesk, as tall as its content, never reloaded by the app's re-renders or ticket switches."""

from __future__ import annotations

import pytest

from tests.e2e.layout import HOST_JS, box_of, coverage, frame_box, tap


def open_in_inbox(page, customer: str) -> None:
    page.get_by_role("link", name=customer).click()


@pytest.mark.parametrize("width,height", [(1280, 800), (1920, 1080)])
def test_the_panel_covers_no_text_of_the_page(ext, width, height):
    """Every visible page text whose position falls inside the panel's frame is still the element
    document.elementFromPoint returns there: nothing of the helpdesk is under the panel."""
    page = ext.context.new_page()
    page.set_viewport_size({"width": width, "height": height})
    page.goto("https://www.klaviyo.com/inbox/tickets/101")
    panel = ext.panel(page)
    ext.wait_state(panel, "ready")
    page.wait_for_timeout(300)  # the frame has taken its content's height
    result = coverage(page, panel)
    assert result["visible"] > 40 and result["covered"] == [], result
    frame, orders, sidebar = frame_box(panel), box_of(page, "#1002"), page.get_by_role("complementary").bounding_box()
    assert frame["y"] >= orders["y"] + orders["height"]  # below the order list it reads
    assert sidebar["x"] <= frame["x"] and frame["x"] + frame["width"] <= sidebar["x"] + sidebar["width"]


def test_switches_and_sidebar_re_renders_never_reload_the_panel(ext, klaviyo_server):
    klaviyo_server.config["sidebarRerenderMs"] = 300  # the app replaces the sidebar's nodes three times a second
    page, panel = ext.ready_panel("101")
    panel.evaluate("window.__sameDocument = 'yes'")
    open_in_inbox(page, "Max Mustermann")
    panel.wait_for_selector("html[data-ready-key='/inbox/tickets/102'][data-panel-state='ready']", state="attached")
    page.wait_for_timeout(1000)
    assert panel.evaluate("window.__sameDocument") == "yes"  # the frame was never reloaded
    assert frame_box(panel)["y"] >= box_of(page, "#1004")["y"]  # re-anchored under 102's order list
    assert coverage(page, panel)["covered"] == []


def test_the_panel_scrolls_with_the_sidebar(ext):
    page, panel = ext.ready_panel("101")
    page.wait_for_timeout(300)
    before = frame_box(panel)["y"]
    page.get_by_role("complementary").hover()
    page.mouse.wheel(0, 150)
    page.wait_for_timeout(300)
    assert before - frame_box(panel)["y"] == pytest.approx(150, abs=3)
    assert coverage(page, panel)["covered"] == []


def test_the_wheel_over_the_panel_scrolls_the_sidebar_and_focus_brings_controls_into_view(ext):
    """The panel is part of the sidebar: scrolling over it scrolls the sidebar, and a control reached with the
    keyboard is scrolled into view."""
    page, panel = ext.ready_panel("101")
    page.wait_for_timeout(300)
    sidebar = page.get_by_role("complementary")
    box = frame_box(panel)
    page.mouse.move(box["x"] + box["width"] / 2, max(box["y"], 0) + 60)  # over the panel
    page.mouse.wheel(0, 200)
    page.wait_for_timeout(400)
    assert sidebar.evaluate("el => el.scrollTop") == pytest.approx(200, abs=5)
    sidebar.evaluate("el => el.scrollTo(0, 0)")
    page.wait_for_timeout(300)
    search = panel.get_by_label("Look up an order")  # the last control of the panel, far below the fold
    assert search.bounding_box()["y"] > 900
    search.focus()
    page.wait_for_timeout(400)
    y = search.bounding_box()["y"]
    assert 0 < y < 900 - 20, y


def test_its_height_follows_its_content_and_collapsed_is_remembered(ext):
    page, panel = ext.ready_panel("101")
    page.wait_for_timeout(300)
    content = panel.evaluate("Math.ceil(document.getElementById('app').getBoundingClientRect().height)")
    # The page reserves the panel's whole height in the sidebar (the frame is its visible part), in steps of
    # 120 px, so a render that adds a line does not move or resize the frame (Chrome would drop the next click).
    reserved = page.evaluate(
        "Math.max(...[...document.querySelectorAll('aside [aria-hidden=true]')]"
        ".map(e => e.getBoundingClientRect().height))"
    )
    assert content <= reserved < content + 120 and reserved % 120 == 0 and content > 400
    sidebar = page.get_by_role("complementary")
    sidebar.evaluate("el => el.scrollTo(0, el.scrollHeight)")  # scrolled down, the whole panel is in view
    page.wait_for_timeout(300)
    assert frame_box(panel)["height"] > 800  # nearly the whole sidebar (its padding aside): no inner scrollbar
    tap(panel.get_by_role("button", name="Collapse the Loop Returns panel"))
    ext.wait_state(panel, "collapsed")
    page.wait_for_timeout(300)
    assert frame_box(panel)["height"] < 60
    again = ext.open_ticket("102")
    second = ext.panel(again)
    ext.wait_state(second, "collapsed")  # remembered for the next tab
    tap(second.get_by_role("button", name="Expand the Loop Returns panel"))
    ext.wait_state(second, "ready")


def test_without_a_details_sidebar_the_panel_docks_and_narrows_the_page(ext, klaviyo_server):
    klaviyo_server.config["sidebar"] = False
    page = ext.context.new_page()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("https://www.klaviyo.com/inbox/tickets/101")
    panel = ext.panel(page)
    page.wait_for_timeout(2500)  # it waits a moment for an order list before docking
    box = frame_box(panel)
    assert box["x"] + box["width"] == pytest.approx(1280, abs=1) and box["height"] > 500
    assert coverage(page, panel)["covered"] == []  # the column narrowed the page instead of overlaying it
    assert page.evaluate(f"({HOST_JS})() !== undefined")
