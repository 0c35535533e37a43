# Only what pyapp/browser/ uses of Pyodide's Python package.
