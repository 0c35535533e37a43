"""The client's other public calls: the deep link and the key check."""

from __future__ import annotations

import pytest

from harness.loop_standin import FULL_KEY, NO_DRAFTS_KEY, RETURNS_ONLY_KEY, Fault
from pyapp.loop.errors import BadResponse, NotFound, RejectedInput, Unavailable
from tests.unit.conftest import run


def test_deep_link_with_the_customer_email(loop, make_client):
    url = run(make_client().deep_link("#1002", "jane@example.com"))
    assert url.startswith("https://demo-shop.loopreturns.com/#/link/")
    assert loop.links[-1]["order"] == "#1002"


def test_deep_link_with_a_wrong_lookup_value_is_not_found(loop, make_client):
    loop.lookup_field = "zip"
    with pytest.raises(NotFound):
        run(make_client().deep_link("#1002", "99999"))


def test_deep_link_missing_value_is_rejected_input(loop, make_client):
    with pytest.raises(RejectedInput):
        run(make_client().deep_link("#1002", ""))


@pytest.mark.parametrize(
    "key,expected",
    [
        (FULL_KEY, (True, True, True)),
        (RETURNS_ONLY_KEY, (True, False, False)),
        (NO_DRAFTS_KEY, (True, True, False)),
        ("not-a-key", (False, False, False)),
    ],
)
def test_key_check_reports_each_scope_without_side_effects(loop, make_client, key, expected):
    check = run(make_client(key).check_key())
    assert (check.returns, check.orders, check.draft_returns) == expected
    assert check.works is any(expected)
    assert all(r.method == "GET" for r in loop.api_requests()) and not loop.drafts


def test_key_check_when_loop_is_down_says_so(loop, make_client):
    loop.faults.append(Fault("status", status=503))
    check = run(make_client().check_key())
    assert isinstance(check.problem, Unavailable) and check.returns is None


# ---- notes and the allowlist (issue 15), against the stand-in's documented shapes ---------------------------


def test_notes_come_newest_first_and_none_is_an_empty_list(loop, make_client):
    client = make_client()
    notes = run(client.notes("37603915"))
    assert [n.content for n in notes] == [
        "Label re-sent by e-mail.",
        "Customer says the box was crushed on arrival; photos on file.",
    ]
    assert run(client.notes("37603930")) == []  # Loop's 422 for a return without notes
    assert len(loop.api_requests("/notes")) == 2


def test_a_note_is_sent_once_and_the_notes_are_read_again(loop, make_client):
    client = make_client()
    run(client.notes("37603930"))
    run(client.add_note("37603930", "  Promised a free label.  "))
    posts = loop.api_requests("/note")
    posts = [r for r in posts if r.method == "POST"]
    assert len(posts) == 1 and posts[0].json() == {"content": "Promised a free label."}
    assert [n.content for n in run(client.notes("37603930"))] == ["Promised a free label."]


def test_a_note_loop_would_refuse_is_refused_before_sending(loop, make_client):
    client = make_client()
    for text in ("", "   ", "x" * 255):
        with pytest.raises(RejectedInput):
            run(client.add_note("37603930", text))
    assert not [r for r in loop.api_requests("/note") if r.method == "POST"]


def test_a_failed_write_is_not_retried(loop, make_client):
    loop.faults.append(Fault("status", path="/allowlists", status=503))
    client = make_client()
    with pytest.raises(Unavailable):
        run(client.allow_order("#1007"))
    assert len(loop.api_requests("/allowlists")) == 1


def test_allowlisting_makes_an_outside_window_order_eligible_and_undo_removes_it(loop, make_client):
    client = make_client()
    assert run(client.eligibility("#1007", "ava@example.com")).eligible is False
    entry = run(client.allow_order("#1007"))
    post = next(r for r in loop.api_requests("/allowlists") if r.method == "POST")
    assert post.json() == {"type": "order", "value": "#1007"}
    verdict = run(client.eligibility("#1007", "ava@example.com"))
    assert verdict.eligible is True and verdict.window_days == 30
    run(client.remove_allowlist_entry(entry.id))
    assert [r.method for r in loop.api_requests(f"/allowlists/{entry.id}")] == ["DELETE"]
    assert loop.allowlist == []
    run(client.remove_allowlist_entry(entry.id))  # already gone: not an error


@pytest.mark.parametrize("bad", ["../returns", "37603915/../../orders", "1?page=2", "a b", "", "x" * 65, "ü"])
def test_an_id_that_is_not_loops_never_reaches_a_path(loop, make_client, bad):
    """Ids come from Loop's answers; one that would steer the request elsewhere is a clear error, and no request."""
    client = make_client()
    before = len(loop.requests)
    with pytest.raises(BadResponse):
        run(client.notes(bad))
    with pytest.raises(BadResponse):
        run(client.add_note(bad, "Checked"))
    with pytest.raises(BadResponse):
        run(client.remove_allowlist_entry(bad))
    assert len(loop.requests) == before


def test_an_allowlist_entry_whose_id_is_a_path_cannot_be_undone_through_it(loop, make_client):
    loop.faults.append(Fault("status", path="/allowlists$", status=201, body={"id": "../returns/37603915"}, times=1))
    client = make_client()
    entry = run(client.allow_order("#1007"))
    with pytest.raises(BadResponse):
        run(client.remove_allowlist_entry(entry.id))
    assert [r.method for r in loop.api_requests("/allowlists")] == ["POST"]
