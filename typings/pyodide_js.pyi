# Pyodide's JavaScript API object (``import pyodide_js``): loadPackage and the rest, untyped.
from typing import Any

def __getattr__(name: str) -> Any: ...
