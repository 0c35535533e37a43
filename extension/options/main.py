# Entry of the options page's Python: the key check of pyapp.loop_client, offered to options.js.
from pyapp.browser import start_options

start_options()
