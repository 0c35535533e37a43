"""The only package that touches the browser (``js``, ``pyodide``): it wires Chrome's APIs into the pure code."""
