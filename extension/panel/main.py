# Entry of the panel's Python: everything lives in pyapp (tested on CPython); this only starts it.
# The ticket's customer lookup leaves first (pyapp.browser.early, no pydantic), so Loop's round trip overlaps
# the panel's own imports; then the panel starts. PyScript runs this with top-level await.
from pyapp.browser.early import prefetch

await prefetch()  # noqa: F704, PLE1142 - top-level await: PyScript runs this file asynchronously

from pyapp.browser.panel_app import start  # noqa: E402

start()
