# Entry of the panel's Python: everything lives in pyapp (tested on CPython); this only starts it.
from pyapp.browser.panel_app import start

start()
