"""Beyond Klaviyo's own Loop card (issue 15), as an agent sees it: a return's notes, "Allow a return anyway",
and the time left; in English and in Dutch.

Set-up goes through the options page as an admin does (the exception choice is off until the admin turns it
on there); the panel is read and clicked by accessible names; Loop's request log shows what was written.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from harness.loop_standin import FULL_KEY
from tests.e2e.layout import tap


def admin_saves(ext, allow_exceptions: bool = False, labels: dict | None = None) -> None:
    labels = labels or {
        "key": "Loop API key",
        "allow": "Let agents allow a return outside the policy",
        "save": "Save",
        "saved": "Saved.",
    }
    ext.clear()
    page = ext.context.new_page()
    page.goto(f"{ext.base}/options/options.html")
    page.get_by_label(labels["key"]).fill(FULL_KEY)
    box = page.get_by_label(labels["allow"])
    assert not box.is_checked()  # off by default
    if allow_exceptions:
        box.check()
    page.get_by_role("button", name=labels["save"]).click()
    page.get_by_text(labels["saved"], exact=True).wait_for(timeout=30_000)
    page.close()


def card(panel, order: str):
    return panel.get_by_role("region", name=order, exact=True)


def writes(loop, path: str) -> list:
    return [r for r in loop.api_requests(path) if r.method in ("POST", "DELETE")]


def test_active_returns_show_their_notes_and_an_agent_can_add_one(ext, loop):
    admin_saves(ext)
    _page, panel = ext.ready_panel("102")
    review = card(panel, "#1004")  # needs review: its notes are read by themselves (it has none)
    review.get_by_text("No notes on this return.").wait_for()
    closed = card(panel, "#1003").get_by_role("group", name="Closed return of", exact=False)
    assert "Exchange shipped in size M" not in closed.inner_text()  # a closed return's notes wait for a click
    assert [r.path for r in loop.api_requests("/notes")] == ["/api/v1/warehouse/return/37603930/notes"]
    tap(closed.get_by_role("button", name="Show notes"))
    notes = closed.get_by_role("list", name="Notes")
    notes.get_by_text("Exchange shipped in size M as the customer asked.").wait_for()
    expect(closed).to_contain_text(
        "→ Rain Jacket - M / Olive", use_inner_text=True
    )  # the exchange card, with its notes

    tap(review.get_by_role("button", name="Add note"))
    box = review.get_by_label("Note for the warehouse (saved in Loop)")
    box.fill("Promised a prepaid label, Sam.")
    tap(review.get_by_role("button", name="Cancel"))  # the agent steps away from it…
    box.wait_for(state="hidden", timeout=5_000)  # the panel renders a moment after the click
    tap(review.get_by_role("button", name="Add note"))  # …and comes back: what was typed is still there
    box.wait_for(state="visible", timeout=5_000)
    expect(box).to_have_value("Promised a prepaid label, Sam.")
    tap(review.get_by_role("button", name="Save note"))
    review.get_by_role("status").filter(has_text="Note saved in Loop.").wait_for()
    review.get_by_role("list", name="Notes").get_by_text("Promised a prepaid label, Sam.").wait_for()
    # The note names the ticket the sidebar confirms, so the warehouse finds the conversation (issue 23).
    assert [r.json() for r in writes(loop, "/note")] == [
        {"content": "Klaviyo ticket 102: Promised a prepaid label, Sam."}
    ]


def test_newest_note_first_on_an_open_return(ext, loop):
    admin_saves(ext)
    _page, panel = ext.ready_panel("101")
    notes = card(panel, "#1001").get_by_role("list", name="Notes")
    notes.get_by_text("Label re-sent by e-mail.").wait_for()
    items = notes.get_by_role("listitem")
    expect(items.nth(0)).to_contain_text("Label re-sent", use_inner_text=True)
    expect(items.nth(1)).to_contain_text("crushed on arrival", use_inner_text=True)


def test_allow_a_return_anyway_from_confirmation_to_link_and_undo(ext, loop):
    admin_saves(ext, allow_exceptions=True)
    page, panel = ext.ready_panel("103")
    c = card(panel, "#1007")
    tap(c.get_by_role("button", name="Initiate return"))
    c.get_by_text("outside the return window", exact=False).wait_for()
    tap(c.get_by_role("button", name="Allow a return anyway"))
    confirm = c.get_by_role("group", name="Allow a return anyway")
    confirm.wait_for()
    expect(confirm).to_contain_text(
        "Loop will accept a return for #1007 despite the shop's policy.", use_inner_text=True
    )
    assert not writes(loop, "/allowlists")  # nothing is written before the agent confirms
    tap(confirm.get_by_role("button", name="Allow return for #1007"))
    c.get_by_role("button", name="Copy link").wait_for()  # without another click on Initiate return
    assert [(r.method, r.path, r.json()) for r in writes(loop, "/allowlists")] == [
        ("POST", "/api/v1/allowlists", {"type": "order", "value": "#1007"})
    ]
    expect(c).to_contain_text("#1007 is on Loop's allowlist", use_inner_text=True)
    tap(c.get_by_role("button", name="Copy link"))
    c.get_by_role("button", name="Copied").wait_for()
    expect(c.get_by_label("Return link for the customer")).to_have_value(
        page.evaluate("navigator.clipboard.readText()")
    )
    assert loop.links[-1]["order"] == "#1007"

    entry = loop.allowlist[0]["id"]
    tap(c.get_by_role("button", name="Undo the exception"))
    c.get_by_text("The exception for #1007 was removed from Loop.").wait_for()
    assert [(r.method, r.path) for r in writes(loop, "/allowlists")][-1] == ("DELETE", f"/api/v1/allowlists/{entry}")
    assert loop.allowlist == [] and c.get_by_role("button", name="Copy link").count() == 0


def test_allow_a_return_anyway_is_off_until_the_admin_turns_it_on(ext, loop):
    admin_saves(ext)
    _page, panel = ext.ready_panel("103")
    c = card(panel, "#1006")
    tap(c.get_by_role("button", name="Initiate return"))
    c.get_by_text("final sale", exact=False).wait_for()
    assert c.get_by_role("button", name="Allow a return anyway").count() == 0
    options = ext.context.new_page()
    options.goto(f"{ext.base}/options/options.html")
    options.get_by_label("Let agents allow a return outside the policy").check()
    options.get_by_role("button", name="Save").click()
    c.get_by_role("button", name="Allow a return anyway").wait_for()  # the open panel follows the setting


def test_time_left_to_return_and_the_age_of_a_label_not_shipped(ext, loop):
    made = (datetime.now(UTC) - timedelta(days=9)).isoformat().replace("+00:00", "Z")
    loop.returns[0].update(label_status="pre_transit", label_updated_at=made)
    admin_saves(ext)
    _page, panel = ext.ready_panel("101")
    expect(card(panel, "#1001")).to_contain_text(
        "Label created at least 9 days ago, not shipped yet", use_inner_text=True
    )
    c = card(panel, "#1002")  # ordered 12 days ago (the sidebar's date); Loop's policy: a 30-day window
    tap(c.get_by_role("button", name="Initiate return"))
    c.get_by_role("button", name="Copy link").wait_for()
    expect(c).to_contain_text("At least 18 days left to return (counted from the order date)", use_inner_text=True)


@pytest.fixture
def dutch(built_dist, playwright_instance, loop, klaviyo_server, tmp_path):
    from harness.chromium import Ports, extension_id, launch

    context = launch(playwright_instance, tmp_path / "profile", Ports(klaviyo_server.port, loop.port), lang="nl")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin="https://www.klaviyo.com")
    context.ext_id = extension_id(context)
    yield context
    context.close()


def test_in_dutch_notes_exception_and_time_left(dutch, loop):
    from tests.e2e.conftest import Ext

    ext = Ext(dutch)
    admin_saves(
        ext,
        allow_exceptions=True,
        labels={
            "key": "Loop API-sleutel",
            "allow": "Agenten een retour buiten het beleid laten toestaan",
            "save": "Opslaan",
            "saved": "Opgeslagen.",
        },
    )
    _page, panel = ext.ready_panel("101")
    notes = card(panel, "#1001").get_by_role("list", name="Notities")
    notes.get_by_text("Label re-sent by e-mail.").wait_for()  # Loop's words stay as Loop wrote them
    c = card(panel, "#1002")
    tap(c.get_by_role("button", name="Retour starten"))
    c.get_by_role("button", name="Link kopiëren").wait_for()
    expect(c).to_contain_text(
        "Nog minstens 18 dagen om te retourneren (gerekend vanaf de besteldatum)", use_inner_text=True
    )

    _page, panel = ext.ready_panel("103")
    c = card(panel, "#1007")
    tap(c.get_by_role("button", name="Retour starten"))
    tap(c.get_by_role("button", name="Retour toch toestaan"))
    c.get_by_text("Loop accepteert dan een retour voor #1007 ondanks het retourbeleid van de winkel.").wait_for()
    tap(c.get_by_role("button", name="Retour voor #1007 toestaan"))
    c.get_by_role("button", name="Link kopiëren").wait_for()
    assert writes(loop, "/allowlists")[0].json() == {"type": "order", "value": "#1007"}
    tap(c.get_by_role("button", name="Uitzondering ongedaan maken"))
    c.get_by_text("De uitzondering voor #1007 is uit Loop verwijderd.").wait_for()
    assert writes(loop, "/allowlists")[-1].method == "DELETE"
