"""The words: every English message has its Dutch one, and no lookup ever shows a message key."""

from pyapp.panel.i18n import catalog, translator


def test_english_and_dutch_have_the_same_messages():
    assert set(catalog("en")) == set(catalog("nl"))
    assert all(v.strip() for v in catalog("nl").values())


def test_a_failing_browser_lookup_falls_back_to_the_shipped_words_never_to_the_key():
    def broken(key):
        raise RuntimeError("extension context gone")

    assert translator(lambda key: "", "nl")("stateClosed") == "Gesloten"
    assert translator(broken)("noReturns") == "No returns for this order."
    assert translator(lambda key: "")("noSuchKey") == ""
