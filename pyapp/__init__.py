"""Loop Returns for Klaviyo Helpdesk: the panel's Python.

Everything here imports on CPython and is tested with pytest, except ``pyapp.browser``, the one module that
touches ``js`` / ``pyodide`` and wires the real browser into the pure modules.
"""
