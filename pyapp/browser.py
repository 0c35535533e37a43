"""Browser adapter (prototype)."""
import js
from pyodide.ffi import create_proxy, to_js


def start():
    import pydantic
    from pyscript import config
    app = js.document.getElementById("app")
    p = js.document.createElement("p")
    p.textContent = "Python ready " + pydantic.VERSION + " " + str(dict(config))
    p.id = "py-ready"
    app.replaceChildren(p)
    js.performance.mark("loop:python-ready")
