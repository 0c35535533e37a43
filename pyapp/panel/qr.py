"""The deep link as a QR code PNG, made here rather than fetched: Loop's QR image URL may need auth (Q5)."""

from __future__ import annotations

import base64
import io


def qr_data_url(text: str) -> str:
    import segno  # loaded on demand (pyapp.panel.actions): only the agents who ask for a QR code pay for it

    buf = io.BytesIO()
    segno.make(text, error="m").save(buf, kind="png", scale=6, border=4)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
