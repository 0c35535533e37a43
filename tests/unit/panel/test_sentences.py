"""What the panel says for what Loop's layer reports: one sentence each, every one in the catalogue."""

from pyapp.loop.eligibility import Ineligibility, Unchecked
from pyapp.loop.errors import AuthError, Paused, Scope, Timeout, TooLarge, Unavailable, UnknownRoute
from pyapp.loop.models import Outcome, ReturnState, ScopeCheck
from pyapp.loop.tracking import Tracking
from pyapp.panel import sentences
from pyapp.panel.i18n import catalog


def test_an_error_says_its_own_sentence_or_its_nearest_ancestors():
    assert sentences.error_key(Paused()) == "errPaused"
    assert (
        sentences.error_key(TooLarge()) == "errBadResponse" and sentences.error_key(UnknownRoute()) == "errUnknownRoute"
    )
    assert sentences.error_key(AuthError(scope=Scope.ORDERS)) == "errKeyNoOrders"
    assert sentences.error_key(AuthError(scope=Scope.LABELS)) == sentences.error_key(AuthError()) == "errKeyRejected"


def test_a_write_that_timed_out_says_it_may_have_happened():
    assert sentences.write_error_key(Timeout()) == "writeTimeout"
    assert sentences.write_error_key(Unavailable()) == sentences.error_key(Unavailable()) == "errUnavailable"


def test_the_options_page_reads_why_the_key_check_failed_in_words():
    check = ScopeCheck(returns=None, orders=None, draft_returns=None, problem=Unavailable())
    answer = sentences.scope_check_answer(check)
    assert answer == {
        "returns": None,
        "orders": None,
        "draft_returns": None,
        "works": False,
        "problem": "errUnavailable",
    }
    assert sentences.scope_check_answer(ScopeCheck(returns=True, orders=None, draft_returns=None))["problem"] is None


def test_every_sentence_the_panel_can_pick_is_in_the_catalogue():
    english = catalog("en")
    picked = {
        *(sentences.error_key(cls()) for cls in sentences.ERROR_KEYS),
        *(sentences.error_key(AuthError(scope=s)) for s in Scope),
        *(sentences.write_error_key(cls()) for cls in sentences.ERROR_KEYS),
        *(sentences.ineligibility_key(r) for r in Ineligibility),
        *(sentences.unchecked_key(u) for u in Unchecked),
        *(sentences.state_key(s) for s in ReturnState),
        *(sentences.outcome_key(o) for o in Outcome),
        *(sentences.label_status_key(Tracking(status=s)) for s in [*sentences.LABEL_STATUS_KEYS, "lost"]),
    }
    assert picked - {None} <= set(english), sorted(k for k in picked - {None} if k not in english)
