"""A date as the helpdesk's order list writes it ("Nov 19, 2026", "19 nov. 2026", "2026-11-19"), or None.

Only unambiguous forms are read: a month written as a word (English or Dutch) or the ISO order year-month-day.
"11/12/2026" could be either of two days, so it is not read at all: a wrong date would be a wrong "days left".
"""

from __future__ import annotations

import re
from datetime import date

MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "mrt": 3,
    "apr": 4,
    "may": 5,
    "mei": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "okt": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = r"([A-Za-z]{3})[a-z]{0,6}\.?"
MONTH_FIRST = re.compile(r"(?<![\w])" + _MONTH + r" (\d{1,2}),? (\d{4})(?!\d)")
DAY_FIRST = re.compile(r"(?<![\w])(\d{1,2}) " + _MONTH + r" (\d{4})(?!\d)")
ISO = re.compile(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])")


def date_in(text: str) -> date | None:
    """The first unambiguous date in ``text`` (at most 200 characters are read)."""
    text = " ".join(text[:200].split())
    found = []
    m = MONTH_FIRST.search(text)
    if m:
        found.append((m.start(), m.group(3), MONTHS.get(m.group(1).lower()), m.group(2)))
    m = DAY_FIRST.search(text)
    if m:
        found.append((m.start(), m.group(3), MONTHS.get(m.group(2).lower()), m.group(1)))
    m = ISO.search(text)
    if m:
        found.append((m.start(), m.group(1), int(m.group(2)), m.group(3)))
    for _, year, month, day in sorted(found):
        if month is None:
            continue
        try:
            return date(int(year), month, int(day))
        except ValueError:
            continue
    return None
