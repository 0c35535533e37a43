"""The contract between the extension's JavaScript and the panel's Python: settings and messages."""
