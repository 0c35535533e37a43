# Entry of the options page's Python: the key check, offered to options.js.
from pyapp.browser.options_app import start_options

start_options()
