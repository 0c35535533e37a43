"""The admin's options page, driven by its labels, and the panel reacting without a reload."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from harness.chromium import Ports, launch, open_ticket_panel, panel_frame, unpacked_extension_id
from harness.loop_standin import FULL_KEY, RETURNS_ONLY_KEY, Fault

POLICY_DIR = Path("/etc/chromium/policies/managed")
# Writing a machine-wide Chromium policy needs root: the policy tests skip without it.
NEEDS_ROOT = pytest.mark.skipif(
    not Path("/etc").is_dir() or os.geteuid() != 0, reason="writing a machine-wide Chromium policy needs root"
)


def options(ext):
    page = ext.context.new_page()
    page.goto(f"{ext.base}/options/options.html")
    return page


def test_full_key_checks_every_scope_saves_and_is_never_echoed(ext, loop):
    ext.clear()
    ticket = ext.open_ticket("101")
    panel = ext.panel(ticket)
    ext.wait_state(panel, "not-configured")
    page = options(ext)
    assert page.get_by_text("Set by your administrator").first.is_hidden()  # no policy on this machine
    expect(page.get_by_label("Loop API key")).to_be_enabled()
    page.get_by_label("Loop API key").fill(FULL_KEY)
    page.get_by_role("button", name="Test connection").click()
    result = page.locator("#result")
    result.get_by_text("Returns ✓").wait_for(timeout=30_000)
    expect(result).to_contain_text("Orders ✓", use_inner_text=True)
    expect(result).to_contain_text("Draft Returns (optional) ✓", use_inner_text=True)
    assert all(r.method == "GET" for r in loop.api_requests()) and not loop.drafts  # the check changes nothing
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved.", exact=True).wait_for()
    page.get_by_text("Loop accepted this key:").wait_for(timeout=30_000)
    assert page.get_by_label("Loop API key").input_value() == ""
    expect(page.locator("#key-hint")).to_contain_text(f"…{FULL_KEY[-4:]}", use_inner_text=True)
    assert FULL_KEY not in page.content()
    ext.wait_state(panel, "ready")  # the open ticket picked the key up without a reload


def test_returns_only_key_says_what_is_missing(ext):
    page = options(ext)
    page.get_by_label("Loop API key").fill(RETURNS_ONLY_KEY)
    page.get_by_role("button", name="Test connection").click()
    page.locator("#result").get_by_text("Orders ✗").wait_for(timeout=30_000)
    expect(page.locator("#result")).to_contain_text("Returns ✓", use_inner_text=True)
    expect(page.locator("#result")).to_contain_text("cannot create return links", use_inner_text=True)


def test_a_bad_key_is_saved_at_once_and_the_verdict_says_so(ext):
    """No confirmation dialog between the admin and the save: Loop's verdict comes beside "Saved.", with
    Remove key at hand."""
    ticket = ext.open_ticket("101")
    panel = ext.panel(ticket)
    ext.wait_state(panel, "ready")
    page = options(ext)
    page.get_by_label("Loop API key").fill("lr_typo_key")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved.", exact=True).wait_for(timeout=2_000)
    page.get_by_text("Loop rejected this key").wait_for(timeout=30_000)
    expect(page.locator("#key-hint")).to_contain_text(
        "…_key"[-4:], use_inner_text=True
    )  # the typed key is the saved one now
    ext.wait_state(panel, "key-rejected")
    page.get_by_role("button", name="Remove key").click()
    page.get_by_text("No key saved yet.").wait_for()
    ext.wait_state(panel, "not-configured")


def test_closing_the_tab_a_second_after_save_keeps_the_key(ext, loop):
    """Loop slow to answer the check: the admin closes the tab a second after Save; the key is saved."""
    ext.clear()
    loop.latency = 1.5
    page = options(ext)
    page.get_by_label("Loop API key").fill(FULL_KEY)
    page.get_by_role("button", name="Save").click()
    page.wait_for_timeout(1000)
    page.close()
    loop.latency = 0
    ext.ready_panel("101")


def test_save_writes_before_any_network_call_and_the_verdict_follows(ext, loop):
    """Storage has the key before Loop is asked anything, "Saved." shows within a second although Loop takes
    3 s to answer the check, and the verdict arrives after it."""
    ext.clear()
    loop.faults.append(Fault("delay", seconds=3))
    watcher = ext.settings_page()
    watcher.evaluate(
        "() => { window.__savedAt = null; chrome.storage.onChanged.addListener((c) => {"
        " if (c.apiKey && window.__savedAt === null) window.__savedAt = Date.now(); }); }"
    )
    page = options(ext)
    page.wait_for_timeout(500)
    loop.clear_log()
    page.get_by_label("Loop API key").fill(FULL_KEY)
    clicked = page.evaluate("Date.now()")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved.", exact=True).wait_for(timeout=1_000)
    assert page.evaluate("Date.now()") - clicked < 1000
    expect(page.locator("#result")).to_contain_text(
        "Checking the key", use_inner_text=True
    )  # the verdict is still to come
    saved_at = watcher.evaluate("window.__savedAt")
    page.get_by_text("Loop accepted this key:").wait_for(timeout=30_000)
    first_request = min(r.at for r in loop.api_requests()) * 1000
    assert saved_at is not None and saved_at <= first_request
    lines = page.locator("#result > *")
    expect(lines.nth(0)).to_have_text("Saved.", use_inner_text=True)
    expect(lines.nth(1)).to_contain_text("Loop accepted this key:", use_inner_text=True)


def test_a_storage_change_while_the_admin_edits_never_overwrites_the_edit(ext):
    page = options(ext)
    page.get_by_label("Customer lookup").select_option(label="Shipping ZIP / postal code")
    page.get_by_label("Loop API key").fill("lr_new_key_typed")
    ext.store(lookupField="phone")  # another tab (or the panel) changes storage meanwhile
    page.wait_for_timeout(300)
    assert page.get_by_label("Customer lookup").input_value() == "zip"
    assert page.get_by_label("Loop API key").input_value() == "lr_new_key_typed"
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved.", exact=True).wait_for()
    stored = page.evaluate("chrome.storage.local.get(['lookupField', 'apiKey'])")
    assert stored == {"lookupField": "zip", "apiKey": "lr_new_key_typed"}


def test_enable_switch_turns_the_panel_off_and_on(ext):
    ticket = ext.open_ticket("101")
    panel = ext.panel(ticket)
    ext.wait_state(panel, "ready")
    page = options(ext)
    page.get_by_label("Enable Loop Returns").uncheck()
    page.get_by_role("button", name="Save").click()
    ext.wait_state(panel, "not-configured")
    expect(panel.locator("main")).to_contain_text("turned off", use_inner_text=True)
    page.get_by_label("Enable Loop Returns").check()
    page.get_by_role("button", name="Save").click()
    ext.wait_state(panel, "ready")


@NEEDS_ROOT
def test_enterprise_policy_sets_and_locks_the_settings(built_dist, playwright_instance, loop, klaviyo_server):
    """A real Chromium policy file: managed values win, show as set by the administrator and are read-only."""
    ext_id = unpacked_extension_id(built_dist)
    POLICY_DIR.mkdir(parents=True, exist_ok=True)
    policy = POLICY_DIR / "loop-returns-e2e-test.json"
    policy.write_text(
        json.dumps(
            {
                "3rdparty": {
                    "extensions": {
                        ext_id: {"apiKey": FULL_KEY, "enabled": True, "lookupField": "zip", "lockSettings": True}
                    }
                }
            }
        )
    )
    try:
        workdir = Path(tempfile.mkdtemp(prefix="loop-e2e-policy-"))
        context = launch(playwright_instance, workdir / "profile", Ports(klaviyo_server.port, loop.port))
        try:
            page = context.new_page()
            page.goto(f"chrome-extension://{ext_id}/options/options.html")
            page.locator("#managed-banner").wait_for(state="visible", timeout=30_000)
            expect(page.get_by_label("Loop API key")).to_be_disabled()
            expect(page.get_by_label("Customer lookup")).to_be_disabled()
            expect(page.get_by_label("Customer lookup")).to_have_value("zip")
            expect(page.get_by_role("button", name="Save")).to_be_disabled()
            expect(page.get_by_text("Set by your administrator").first).to_be_visible()
            assert FULL_KEY not in page.content()
            open_ticket_panel(context, "https://www.klaviyo.com/inbox/tickets/101")  # the key comes from policy only
        finally:
            context.close()
    finally:
        policy.unlink(missing_ok=True)


@NEEDS_ROOT
def test_fields_the_policy_sets_are_never_written_to_local_storage(
    built_dist, playwright_instance, loop, klaviyo_server
):
    ext_id = unpacked_extension_id(built_dist)
    POLICY_DIR.mkdir(parents=True, exist_ok=True)
    policy = POLICY_DIR / "loop-returns-e2e-test.json"
    policy.write_text(json.dumps({"3rdparty": {"extensions": {ext_id: {"lookupField": "zip"}}}}))
    try:
        workdir = Path(tempfile.mkdtemp(prefix="loop-e2e-policy-"))
        context = launch(playwright_instance, workdir / "profile", Ports(klaviyo_server.port, loop.port))
        try:
            page = context.new_page()
            page.goto(f"chrome-extension://{ext_id}/options/options.html")
            page.locator("#managed-banner").wait_for(state="visible", timeout=30_000)
            expect(page.get_by_label("Customer lookup")).to_be_disabled()
            page.get_by_label("Loop API key").fill(FULL_KEY)
            page.get_by_role("button", name="Save").click()
            page.get_by_text("Saved.", exact=True).wait_for()
            stored = page.evaluate("chrome.storage.local.get(null)")
            assert "lookupField" not in stored and stored["apiKey"] == FULL_KEY
        finally:
            context.close()
    finally:
        policy.unlink(missing_ok=True)


def _policy(ext_id: str, values: dict) -> Path:
    POLICY_DIR.mkdir(parents=True, exist_ok=True)
    policy = POLICY_DIR / "loop-returns-e2e-test.json"
    policy.write_text(json.dumps({"3rdparty": {"extensions": {ext_id: values}}}))
    return policy


def _open_after_start(context, url: str):
    """A tab opened right after a browser start: Chrome may turn the first new tab into the options page the
    extension opens when it is installed (a profile that loads it from the command line can count as a new
    install), interrupting our navigation. That is the browser's doing, not the panel's: open another tab."""
    for _ in range(3):
        page = context.new_page()
        try:
            page.goto(url)
            return page
        except Exception as err:
            if "interrupted by another navigation" not in str(err):
                raise
    raise AssertionError("every new tab was taken over by another navigation")


@pytest.mark.parametrize(
    "values,expected", [({"apiKey": FULL_KEY}, "policy key only"), ({"enabled": False}, "no call at all")]
)
@NEEDS_ROOT
def test_the_policy_applies_before_the_first_call_after_a_browser_start(
    built_dist, playwright_instance, loop, klaviyo_server, values, expected
):
    """A local key is stored; then policy replaces it (or turns the integration off). Right after a browser
    start the first policy read is slow (~2 s here): the panel waits for it and never calls Loop with the
    local key."""
    from harness.chromium import extension_id, store_settings

    ext_id = unpacked_extension_id(built_dist)
    profile = Path(tempfile.mkdtemp(prefix="loop-e2e-policy-")) / "profile"
    ports = Ports(klaviyo_server.port, loop.port)
    context = launch(playwright_instance, profile, ports)
    store_settings(context, extension_id(context), apiKey=RETURNS_ONLY_KEY, enabled=True)
    context.close()
    policy = _policy(ext_id, values)
    try:
        loop.clear_log()
        context = launch(playwright_instance, profile, ports)
        try:
            page = _open_after_start(context, "https://www.klaviyo.com/inbox/tickets/101")
            state = "ready" if "apiKey" in values else "not-configured"
            frame = panel_frame(page)
            frame.wait_for_selector(f"html[data-panel-state='{state}']", state="attached", timeout=40_000)
            keys = {r.headers.get("x-authorization") for r in loop.api_requests()}
            assert keys == ({FULL_KEY} if "apiKey" in values else set()), keys
        finally:
            context.close()
    finally:
        policy.unlink(missing_ok=True)
