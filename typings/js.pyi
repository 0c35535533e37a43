# The browser's global scope as Pyodide shows it (``import js``): any name, any JavaScript value.
from typing import Any

def __getattr__(name: str) -> Any: ...
