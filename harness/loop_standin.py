"""A local stand-in for api.loopreturns.com, faithful to what shared/loop-api.md documents.

Routes (under /api/v1/ and /api/2026-07/ unless said): warehouse/return/details, warehouse/return/list,
/api/v2/returns (the customer lookup Loop's Gladly app uses), order/link, order/qr, qr/i/<id> (a PNG),
allowlists (list, create, get, delete: an allowlisted order or e-mail overrides the order's ineligibility in
draft returns), warehouse/return/<id>/notes (422 when there are none) and /note (create, under 255 characters),
warehouse/return/<id>/cancel and /flag (200 "true", or an error body with HTTP 200), returns/<id>/labels
(Generate Label: 202, the label appearing ``label_delay`` s later; 404/409/422 with a code), draft-returns
(+ /<id>/cancel).

Quirks reproduced: ids as integers in details and strings in lists; ``YYYY-MM-DD HH:MM:SS`` in details and
ISO-8601 elsewhere; ``"N/A"`` for missing carrier / tracking / label status; reasons wrapped in quotes;
"not found" from details as HTTP 200 ``{"message": "No return found with this ID"}`` without an ``id``
(Gladly's fixture; ``not_found_shape = "error"`` gives the older ``{"error": {...}}`` form); draft-return
errors as HTTP 422 ``{"errors": [{"code", "message"}]}`` (Gladly 1.6.2, Loop's Submit page); 401 in both
documented shapes; one return per order from details (the newest) even when the order has several; unknown
routes answer a gateway 404.

Tests steer it through attributes: ``keys`` (key -> scopes), ``latency``, ``faults`` (see ``Fault``),
``name_form`` (which order-name spelling details accepts), ``customer_lookup`` (v2 on/off),
``customer_filter_ignored`` (v2 answers every customer's rows, as a broken filter would), ``drafts_enabled``
(the Draft Returns beta, off for most shops), ``notes`` (return id -> notes) and ``allowlist`` (the shop's
entries), ``label_delay`` / ``label_generation_fails`` (Generate Label), ``writes_refused`` (keys that may
not cancel or flag), and read ``requests`` (everything received, headers included) and ``drafts`` (every draft
return and its state).
"""

from __future__ import annotations

import json
import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from harness.servers import HTTPSServer, Recorded, RecordingHandler

FULL_KEY = "lr_demo_full_9f2c41"
RETURNS_ONLY_KEY = "lr_demo_returns_only_77ab"
NO_DRAFTS_KEY = "lr_demo_no_drafts_3c1d"
PORTAL = "https://demo-shop.loopreturns.com"
API = "https://api.loopreturns.com"
UNAUTHORIZED_CURRENT = {"error": {"code": "401", "http_code": "GEN-UNAUTHORIZED", "message": "Unauthorized."}}
UNAUTHORIZED_LEGACY = {"errors": "Unauthorized."}


@dataclass
class Fault:
    """Misbehaviour for requests whose path matches ``path`` (a regex); ``times`` None means every time.

    kind: status (``status``, ``body``, ``headers``) | hang | trickle | malformed | html200 | error200 |
          wrong_schema | huge | redirect | delay (``seconds``, then answer normally) | reset
    """

    kind: str
    path: str = ".*"
    times: int | None = None
    status: int = 500
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    hits: int = 0


def _ago(days: float) -> datetime:
    return datetime.now(UTC).replace(microsecond=0) - timedelta(days=days)


def demo_orders() -> dict[str, dict]:
    """Orders of the demo shop: who bought them, how the portal looks them up, and what Loop would allow."""

    def order(name, email, zip_, phone, days, eligibility="eligible", items=2):
        return {
            "name": name,
            "email": email,
            "zip": zip_,
            "phone": phone,
            "created": _ago(days),
            "eligibility": eligibility,
            "items": items,
            "provider_order_id": 5444175757000 + int(re.sub(r"\D", "", name)),
        }

    return {
        o["name"]: o
        for o in [
            order("#1001", "jane@example.com", "10001", "+12125550101", 20),
            order("#1002", "jane@example.com", "10001", "+12125550101", 12),
            order("#1003", "max@example.com", "94107", "+14155550102", 35),
            order("#1004", "max@example.com", "94107", "+14155550102", 8),
            order("#1005", "ava@example.com", "60601", "+13125550103", 70),
            order("#1006", "ava@example.com", "60601", "+13125550103", 15, "final-sale"),
            order("#1007", "ava@example.com", "60601", "+13125550103", 120, "outside-return-window"),
            order("#1008", "jane@example.com", "10001", "+12125550101", 230),
            order("#1009", "noah@example.com", "73301", "+15125550104", 2, "not-fulfilled"),
            order("#1010", "noah@example.com", "73301", "+15125550104", 25),
            order("#1011", "mia@example.com", "02139", "+16175550106", 9),
            order("#1012", "mia@example.com", "02139", "+16175550106", 6),
            order("#1013", "mia@example.com", "02139", "+16175550106", 5),
        ]
    }


def demo_returns() -> list[dict]:
    """Returns in the list/v2 shape (string ids, ISO timestamps); details converts them."""

    def ret(rid, order, state, days, outcome, items, carrier="N/A", number="N/A", label="N/A", **extra):
        created = _ago(days)
        total = sum(float(i["price"]) for i in items)
        base = {
            "id": str(rid),
            "state": state,
            "created_at": created.isoformat().replace("+00:00", "Z"),
            "updated_at": (created + timedelta(hours=5)).isoformat().replace("+00:00", "Z"),
            "order_id": str(90000000 + rid % 1000),
            "order_name": order,
            "order_number": order.lstrip("#"),
            "provider_order_id": str(5444175757000 + int(order[1:])),
            "customer": demo_orders()[order]["email"],
            "currency": "USD",
            "outcome": outcome,
            "total": f"{total:.2f}",
            "return_total": f"{total:.2f}",
            "exchange_total": f"{total:.2f}" if "exchange" in outcome else "0.00",
            "refund": f"{total:.2f}" if outcome == "refund" else "0.00",
            "gift_card": f"{total:.2f}" if outcome == "credit" else "0.00",
            "carrier": carrier,
            "tracking_number": number,
            "label_status": label,
            "label_updated_at": (created + timedelta(days=1)).isoformat().replace("+00:00", "Z"),
            "status_page_url": f"{PORTAL}/#/return/{uuid.UUID(int=rid)}",
            "line_items": [
                {
                    "line_item_id": rid * 10 + n,
                    "provider_line_item_id": 23984238720 + n,
                    "title": i["title"],
                    "variant_title": i["variant"],
                    "sku": f"SKU-{rid}-{n}",
                    "price": i["price"],
                    "return_reason": i["reason"],
                    "outcome": "default",
                }
                for n, i in enumerate(items)
            ],
            "labels": []
            if number == "N/A"
            else [
                {
                    "status": label,
                    "carrier": carrier,
                    "tracking_number": number,
                    "rate": 7.5,
                    "url": f"https://labels.loopreturns.com/{rid}.pdf",
                    "updated_at": (created + timedelta(days=1)).isoformat().replace("+00:00", "Z"),
                    "line_items": [rid * 10],
                }
            ],
            "type": "standard",
        }
        base.update(extra)
        return base

    shirt = {"title": "Linen Shirt", "variant": "M / White", "price": "60.00", "reason": '"Item arrived damaged"'}
    shorts = {"title": "Chino Shorts", "variant": "32 / Navy", "price": "45.00", "reason": "Too small"}
    jacket = {"title": "Rain Jacket", "variant": "L / Olive", "price": "89.00", "reason": '"Too big"'}
    boots = {"title": "Trail Boots", "variant": "EU 42", "price": "210.00", "reason": "Changed my mind"}
    scarf = {"title": "Wool Scarf", "variant": "One size", "price": "60.00", "reason": "Not as pictured"}
    mug = {"title": "Stoneware Mug", "variant": "Sand", "price": "24.00", "reason": "Duplicate gift"}
    return [
        # Money and exchanges as Loop's Get Return Details documents them; the v2 list rows lack refunds[]
        # (Gladly's fixture), so "_refunds" reaches the details shape only.
        ret(
            37603915,
            "#1001",
            "open",
            3,
            "refund",
            [shirt, shorts],
            "USPS",
            "9400111899223397623910",
            "in_transit",
            refund="100.00",
            handling_fee="5.00",
            _refunds=[],
        ),
        ret(
            37603920,
            "#1003",
            "closed",
            10,
            "exchange+refund",
            [jacket],
            "UPS",
            "1Z999AA10123456784",
            "delivered",
            exchange_total="79.00",
            refund="10.00",
            exchange_order_name="EXC-1003-1",
            exchanges=[
                {
                    "exchange_id": "11801246",
                    "exchange_order_id": 4804378558615,
                    "exchange_order_name": "EXC-1003-1",
                    "product_id": "8830001",
                    "variant_id": "41845504671895",
                    "sku": "",
                    "type": "exchange",
                    "title": "Rain Jacket - M / Olive",
                    "price": "79.00",
                    "discount": "0.00",
                    "tax": "0.00",
                    "total": "79.00",
                    "out_of_stock": False,
                    "out_of_stock_resolution": None,
                }
            ],
            _refunds=[
                {
                    "gateway": "Stripe",
                    "amount": "10.00",
                    "currency": "USD",
                    "provider_refund_id": "re_3Q1",
                    "provider": "shopify",
                }
            ],
        ),
        ret(37603801, "#1003", "cancelled", 30, "refund", [jacket]),
        ret(37603930, "#1004", "review", 2, "refund", [boots]),
        ret(37603700, "#1005", "expired", 40, "credit", [scarf], "FedEx", "794698765432", "pre_transit"),
        ret(37603500, "#1008", "closed", 200, "credit", [mug], "DHL", "JD014600006281230704", "delivered"),
        # Mia's: a label made but not shipped (she lost it), an open return with no label yet, and a Happy
        # Returns drop-off (a QR code at a return bar, no carrier label).
        ret(
            37604011,
            "#1011",
            "open",
            4,
            "refund",
            [shorts],
            "USPS",
            "9400111899223397600411",
            "new",
            label_url="https://labels.loopreturns.com/37604011.pdf",
        ),
        ret(37604012, "#1012", "open", 1, "credit", [scarf]),
        ret(
            37604013,
            "#1013",
            "open",
            1,
            "refund",
            [shirt],
            return_method={
                "type": "happy-returns",
                "name": "Happy Returns drop-off (QR code)",
                "state": "pending",
                "rma_code": "HR-8C2KQ",
            },
        ),
    ]


def demo_notes() -> dict[str, list[dict]]:
    """Notes on the demo returns, in Get Return Notes' shape (ids as integers, ``YYYY-MM-DD HH:MM:SS``)."""

    def note(nid: int, content: str, days: float) -> dict:
        return {"id": nid, "content": content, "created_at": _ago(days).strftime("%Y-%m-%d %H:%M:%S")}

    return {
        "37603915": [
            note(5101, "Customer says the box was crushed on arrival; photos on file.", 3),
            note(5102, "Label re-sent by e-mail.", 1),
        ],
        "37603920": [note(5001, "Exchange shipped in size M as the customer asked.", 8)],
    }


def to_details_shape(ret: dict) -> dict:
    """Get Return Details' own quirks: integer ids, space-separated timestamps without a zone."""
    out = {k: v for k, v in ret.items() if not k.startswith("_")}
    out["refunds"] = ret.get("_refunds", [])
    out["id"] = int(ret["id"])
    out["provider_order_id"] = int(ret["provider_order_id"])
    for key in ("created_at", "updated_at"):
        out[key] = ret[key].replace("T", " ").replace("Z", "")
    return out


class LoopHandler(RecordingHandler):
    server: LoopStandin

    def handle_request(self, rec: Recorded) -> None:
        srv = self.server
        if srv.latency:
            time.sleep(srv.latency)
        fault = srv.take_fault(rec.path)
        if fault and self.apply_fault(fault):
            return
        m = re.fullmatch(r"/api/(v1|2026-07|v2)/(.+)", rec.path)
        if not m:
            return self.json(404, {"message": "Not Found"})
        version, route = m.groups()
        if route.startswith("qr/i/"):  # the QR image link Loop hands out: public, no key
            return self.send(200, srv.qr_png, "image/png")
        scopes = srv.keys.get(rec.headers.get("x-authorization", ""), None)
        handler = {
            ("v2", "returns"): ("returns", self.customer_returns, UNAUTHORIZED_CURRENT),
            ("v1", "warehouse/return/details"): ("returns", self.details, UNAUTHORIZED_CURRENT),
            ("v1", "warehouse/return/list"): ("returns", self.list_returns, UNAUTHORIZED_CURRENT),
            ("v1", "order/link"): ("orders", self.order_link, UNAUTHORIZED_LEGACY),
            ("v1", "order/qr"): ("orders", self.order_qr, UNAUTHORIZED_LEGACY),
            ("v1", "allowlists"): ("orders", self.allowlists, UNAUTHORIZED_LEGACY),
            ("v1", "draft-returns"): ("draft_returns", self.draft_returns, UNAUTHORIZED_CURRENT),
        }
        key_version = "v2" if version == "v2" else "v1"
        entry = handler.get((key_version, route))
        by_id = [
            (r"draft-returns/([^/]+)/cancel", "draft_returns", self.cancel_draft, UNAUTHORIZED_CURRENT),
            (r"allowlists/([^/]+)", "orders", self.allowlist_entry, UNAUTHORIZED_LEGACY),
            (r"warehouse/return/([^/]+)/notes", "returns", self.notes, UNAUTHORIZED_CURRENT),
            (r"warehouse/return/([^/]+)/note", "returns", self.add_note, UNAUTHORIZED_CURRENT),
            (r"warehouse/return/([^/]+)/cancel", "returns", self.cancel_return, UNAUTHORIZED_CURRENT),
            (r"warehouse/return/([^/]+)/flag", "returns", self.flag_return, UNAUTHORIZED_CURRENT),
            (r"returns/([^/]+)/labels", "labels", self.generate_label, UNAUTHORIZED_CURRENT),
        ]
        for pattern, scope_, fn_, unauthorized_ in by_id:
            found = re.fullmatch(pattern, route)
            if found and key_version == "v1":
                entry = (scope_, lambda r, fn_=fn_, found=found: fn_(r, found.group(1)), unauthorized_)
        if entry is None or (key_version == "v2" and not srv.customer_lookup):
            return self.json(404, {"message": "Not Found"})
        scope, fn, unauthorized = entry
        if scopes is None or scope not in scopes:
            return self.json(401, unauthorized)
        fn(rec)

    # ---- helpers ----

    def json(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
        self.send(status, json.dumps(data).encode(), "application/json", headers)

    def body_json(self, rec: Recorded) -> dict:
        try:
            data = json.loads(rec.body or b"{}")
            return data if isinstance(data, dict) else {}
        except ValueError:
            return {}

    def find_order(self, name: str) -> dict | None:
        orders = self.server.orders
        form = self.server.name_form
        if name.startswith("#"):
            return orders.get(name) if form in ("both", "hash") else None
        return orders.get("#" + name) if form in ("both", "bare") else None

    def lookup_matches(self, order: dict, value: str) -> bool:
        field_ = self.server.lookup_field
        expected = order["email"] if field_ == "email" else order[field_]
        return value.strip().lower() == expected.lower()

    # ---- routes ----

    def find_return(self, return_id: str) -> dict | None:
        self.server.ripen_labels()
        return next((r for r in self.server.returns if r["id"] == return_id), None)

    def customer_returns(self, rec: Recorded) -> None:
        email = (rec.query.get("customer_email") or [""])[0].lower()
        since = (rec.query.get("from") or ["1970-01-01"])[0]
        limit = int((rec.query.get("limit") or ["10"])[0])
        rows = [
            r
            for r in self.server.returns
            if (self.server.customer_filter_ignored or r["customer"] == email) and r["updated_at"][:10] >= since
        ]
        rows.sort(key=lambda r: r["updated_at"], reverse=True)
        rows = [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]
        self.json(
            200,
            {
                "status": "success",
                "query": {
                    "from": since,
                    "to": None,
                    "customer_email": email,
                    "filter": "updated_at",
                    "limit": limit,
                    "offset": 0,
                },
                "data": rows[:limit],
            },
        )

    def details(self, rec: Recorded) -> None:
        self.server.ripen_labels()
        name = (rec.query.get("order_name") or [None])[0]
        rid = (rec.query.get("return_id") or [None])[0]
        rows = []
        if rid:
            rows = [r for r in self.server.returns if r["id"] == rid]
        elif name:
            order = self.find_order(name)
            rows = [r for r in self.server.returns if order and r["order_name"] == order["name"]]
        if not rows:
            if self.server.not_found_shape == "error":
                return self.json(200, {"error": {"message": "No return found with this ID."}})
            return self.json(200, {"message": "No return found with this ID"})
        newest = max(rows, key=lambda r: r["created_at"])
        self.json(200, to_details_shape(newest))

    def list_returns(self, rec: Recorded) -> None:
        rows = [{k: v for k, v in r.items() if not k.startswith("_")} for r in self.server.returns[:1]]
        self.json(200, {"returns": rows, "nextPageUrl": None, "previousPageUrl": None})

    def allowlists(self, rec: Recorded) -> None:
        """List (Laravel-style page) or create (``{type, value}``: 201 and the entry as a plain object, as Gladly's
        fixture shows; 422 with Laravel's errors when invalid)."""
        srv = self.server
        if rec.method == "POST":
            body = self.body_json(rec)
            kind, value = body.get("type"), str(body.get("value") or "").strip()
            problems = {}
            if kind not in ("order", "product", "email", "product_tag"):
                problems["type"] = ["The selected type is invalid."]
            if not value:
                problems["value"] = ["The value field is required."]
            if problems:
                return self.json(422, {"message": "The given data was invalid.", "errors": problems})
            with srv.lock:
                srv.next_allowlist_id += 1
                entry = {
                    "id": srv.next_allowlist_id,
                    "type": kind,
                    "value": value,
                    "secondary_value": body.get("secondary_value"),
                }
                srv.allowlist.append(entry)
            return self.json(201, entry)  # a plain object with HTTP 201, as in Gladly's fixture for this call
        per_page = max(1, min(100, int((rec.query.get("pageSize") or rec.query.get("per_page") or ["15"])[0])))
        page = max(1, int((rec.query.get("page") or ["1"])[0]))
        rows = srv.allowlist[(page - 1) * per_page : page * per_page]
        last = max(1, -(-len(srv.allowlist) // per_page))
        self.json(
            200,
            {
                "data": rows,
                "links": [],
                "current_page": page,
                "last_page": last,
                "per_page": per_page,
                "total": len(srv.allowlist),
                "from": None,
                "to": None,
                "next_page_url": f"{API}/api/v1/allowlists?page={page + 1}" if page < last else None,
                "prev_page_url": f"{API}/api/v1/allowlists?page={page - 1}" if page > 1 else None,
                "first_page_url": f"{API}/api/v1/allowlists?page=1",
                "last_page_url": f"{API}/api/v1/allowlists?page={last}",
                "path": f"{API}/api/v1/allowlists",
            },
        )

    def allowlist_entry(self, rec: Recorded, entry_id: str) -> None:
        srv = self.server
        entry = next((e for e in srv.allowlist if str(e["id"]) == entry_id), None)
        if entry is None:
            return self.json(404, {"message": "No query results for model [Allowlist]."})
        if rec.method == "DELETE":
            with srv.lock:
                srv.allowlist.remove(entry)
            return self.send(204, b"", "application/json")  # the body is not documented: none
        self.json(200, entry)

    def allowlisted(self, order: dict) -> bool:
        """An allowlisted order (either spelling of its name) or customer e-mail."""
        for entry in self.server.allowlist:
            value = str(entry["value"]).strip().lower()
            if entry["type"] == "order" and value.lstrip("#") == order["name"].lstrip("#").lower():
                return True
            if entry["type"] == "email" and value == order["email"].lower():
                return True
        return False

    def notes(self, rec: Recorded, return_id: str) -> None:
        if rec.method != "GET":
            return self.json(405, {"message": "Method not allowed."})
        if not any(r["id"] == return_id for r in self.server.returns):
            return self.json(200, {"errors": {"message": "No return found with this ID."}})
        notes = self.server.notes.get(return_id) or []
        if not notes:
            return self.json(422, {"errors": {"message": "No notes found for this return."}})
        self.json(200, {"notes": notes})

    def add_note(self, rec: Recorded, return_id: str) -> None:
        srv = self.server
        if rec.method != "POST":
            return self.json(405, {"message": "Method not allowed."})
        if not any(r["id"] == return_id for r in srv.returns):
            return self.json(200, {"errors": {"message": "No return found with this ID."}})
        content = self.body_json(rec).get("content")
        if not isinstance(content, str) or not content.strip() or len(content) >= 255:
            return self.json(
                422,
                {
                    "message": "The given data was invalid.",
                    "errors": {"content": ["The content must be a string under 255 characters."]},
                },
            )
        with srv.lock:
            srv.next_note_id += 1
            note = {
                "id": srv.next_note_id,
                "content": content,
                "created_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"),
            }
            srv.notes.setdefault(return_id, []).append(note)
        self.json(200, {"note": note})

    # ---- return actions (Loop's docs: 200 with the string "true", or an error body often with HTTP 200) ----

    def _refuse_state(self, ret: dict, verb: str) -> None:
        """Loop's several shapes for "not in this state" (shared/loop-api.md §6), one per state here."""
        state = ret["state"]
        if state == "expired":
            return self.json(200, {"content": f"Return is expired and cannot be {verb}."})
        if state == "review":
            return self.json(
                200,
                {
                    "errors": {
                        "message": f"Return is flagged and therefore cannot be {verb}.",
                        "code": "UNPROCESSABLE_FLAGGED_RETURN",
                    }
                },
            )
        if state == "closed":
            return self.json(
                200,
                {
                    "errors": {
                        "message": f"Return is closed and therefore cannot be {verb}.",
                        "code": "UNPROCESSABLE_RETURN",
                    }
                },
            )
        return self.json(200, {"message": f"Return is {state} and therefore cannot be {verb}."})

    def _return_action(self, rec: Recorded, return_id: str, verb: str, new_state: str) -> None:
        srv = self.server
        if rec.method != "POST":
            return self.json(405, {"message": "Method not allowed."})
        if rec.headers.get("x-authorization", "") in srv.writes_refused:
            return self.json(403, {"error": {"code": "403", "http_code": "GEN-FORBIDDEN", "message": "Forbidden."}})
        ret = self.find_return(return_id)
        if ret is None:
            return self.json(200, {"errors": {"message": "No return found with this ID."}})
        with srv.lock:
            if ret["state"] != "open":
                return self._refuse_state(ret, verb)
            ret["state"] = new_state
            ret["updated_at"] = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        self.json(200, "true")

    def cancel_return(self, rec: Recorded, return_id: str) -> None:
        """Cancels an open return; the customer can start a new one with the same items."""
        self._return_action(rec, return_id, "cancelled", "cancelled")

    def flag_return(self, rec: Recorded, return_id: str) -> None:
        """Sends an open return to review (Needs Review); Loop's flag takes no reason."""
        self._return_action(rec, return_id, "flagged", "review")

    def generate_label(self, rec: Recorded, return_id: str) -> None:
        """Generate Label: 202 (queued; the label shows in Get Return Details ``label_delay`` seconds later), 404
        return_not_found, 409 label_already_exists, 422 return_cannot_receive_label / label_generation_failed."""
        srv = self.server
        if rec.method != "POST":
            return self.json(405, {"message": "Method not allowed."})
        ret = self.find_return(return_id)

        def error(status: int, code: str, message: str) -> None:
            self.json(status, {"errors": [{"code": code, "message": message}]})

        if ret is None:
            return error(404, "return_not_found", "Return not found.")
        with srv.lock:
            if ret["labels"] or return_id in srv.pending_labels:
                return error(409, "label_already_exists", "A label already exists for this return.")
            if ret["state"] != "open" or ret.get("return_method"):
                return error(422, "return_cannot_receive_label", "This return cannot receive a label.")
            if srv.label_generation_fails:
                return error(422, "label_generation_failed", "The carrier could not generate a label.")
            srv.pending_labels[return_id] = time.monotonic() + srv.label_delay
        self.json(202, {"message": "Label generation queued."})

    def _link_for(self, rec: Recorded) -> str | None:
        body = self.body_json(rec)
        name, value = str(body.get("name") or ""), str(body.get("zip") or "")
        order = self.find_order(name) if name else None
        if not name or not value:
            self.json(400, {"errors": ["The name field is required." if not name else "The zip field is required."]})
            return None
        if not order or not self.lookup_matches(order, value):
            self.json(400, {"errors": ["ORDER_NOT_FOUND"]})
            return None
        token = uuid.uuid4()
        self.server.links.append({"order": order["name"], "token": str(token)})
        return f"{PORTAL}/#/link/{token}"

    def order_link(self, rec: Recorded) -> None:
        url = self._link_for(rec)
        if url:
            self.json(200, {"url": url})

    def order_qr(self, rec: Recorded) -> None:
        url = self._link_for(rec)
        if url:
            self.json(200, {"qr": f"{API}/api/v1/qr/i/{uuid.uuid4()}", "deeplink_url": url})

    def draft_returns(self, rec: Recorded) -> None:
        if rec.method == "GET":
            # List Draft Returns: up to 2026-07 only with the HAL-Forms Accept header (Loop's docs).
            if "hal-forms" not in rec.headers.get("accept", ""):
                return self.draft_error(
                    "unsupported-feature", "List draft returns needs application/prs.hal-forms+json."
                )
            if not self.server.drafts_enabled:
                return self.draft_error("draft-returns-not-enabled", "Draft returns are not enabled for this shop.")
            wanted = (rec.query.get("order_name") or [None])[0]
            rows = [
                {"id": k, "state": d["state"], "order_name": d["order"]}
                for k, d in self.server.drafts.items()
                if wanted is None or d["order"] == wanted
            ]
            body = json.dumps({"_embedded": {"draft_returns": rows}, "_links": {}}).encode()
            return self.send(200, body, "application/prs.hal-forms+json")
        body = self.body_json(rec)
        if not self.server.drafts_enabled:
            return self.draft_error("draft-returns-not-enabled", "Draft returns are not enabled for this shop.")
        order = self.find_order(str(body.get("order_name") or ""))
        if not order:
            return self.draft_error("order-not-found", "Order not found.")
        if not self.lookup_matches(order, str(body.get("secondary_input") or "")):
            return self.draft_error("secondary-input-mismatch", "The secondary input does not match the order.")
        if order["eligibility"] == "returns-unavailable-for-order":
            return self.draft_error("returns-unavailable-for-order", "Returns are unavailable for this order.")
        draft_id = f"dr_{uuid.uuid4().hex[:12]}"
        self.server.drafts[draft_id] = {"order": order["name"], "state": "created"}
        line_ids = [int(re.sub(r"\D", "", order["name"])) * 100 + n for n in range(order["items"])]
        code = "eligible" if self.allowlisted(order) else order["eligibility"]
        active = any(r["order_name"] == order["name"] and r["state"] in ("open", "review") for r in self.server.returns)
        if active:
            code = "already-returned"
        context = {
            "items_eligible_to_return": [{"order_line_item_id": i} for i in line_ids] if code == "eligible" else [],
            "items_not_eligible_to_return": []
            if code == "eligible"
            else [{"order_line_item_id": i, "ineligibility_code": code} for i in line_ids],
        }
        self.json(
            200,
            {
                "draft_return": {
                    "id": draft_id,
                    "return_id": None,
                    "state": "created",
                    "currency": "USD",
                    "return_policy": {"id": 7, "name": "Standard", "return_window_days": 30},
                },
                "context": context,
                "links": {},
                "errors": [],
            },
        )

    def draft_error(self, code: str, message: str) -> None:
        self.json(422, {"errors": [{"code": code, "message": message}]})

    def cancel_draft(self, rec: Recorded, draft_id: str) -> None:
        draft = self.server.drafts.get(draft_id)
        if not draft:
            return self.json(404, {"errors": {"message": "Draft return not found."}})
        draft["state"] = "cancelled"
        self.json(200, {"draft_return": {"id": draft_id, "state": "cancelled"}, "errors": []})

    # ---- faults ----

    def apply_fault(self, fault: Fault) -> bool:
        """Misbehave; True when the request was fully handled by the fault."""
        kind = fault.kind
        if kind == "delay":
            time.sleep(fault.seconds)
            return False
        if kind == "status":
            body = fault.body if fault.body is not None else {"message": "Server Error"}
            raw = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send(fault.status, raw, "application/json", fault.headers)
        elif kind == "hang":
            time.sleep(fault.seconds or 60)
            self.close_connection = True
        elif kind == "trickle":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            try:
                for _ in range(int((fault.seconds or 30) * 2)):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.5)
            except OSError:
                pass
            self.close_connection = True
        elif kind == "malformed":
            self.send(200, b'{"id": 1, "state": "open", ', "application/json")
        elif kind == "html200":
            self.send(
                200, b"<!doctype html><html><body><h1>Service temporarily unavailable</h1></body></html>", "text/html"
            )
        elif kind == "error200":
            self.json(
                200, {"errors": {"message": "Unexpected error. <script>alert(1)</script>", "code": "UNEXPECTED_ERROR"}}
            )
        elif kind == "wrong_schema":
            self.json(200, ["this", "is", "not", "a", "return"])
        elif kind == "huge":
            self.send(200, b'{"padding": "' + b"x" * 5_000_000 + b'"}', "application/json")
        elif kind == "redirect":
            self.send(302, b"", "text/plain", {"Location": "https://evil.example/steal"})
        elif kind == "reset":
            self.close_connection = True
            self.connection.close()
        else:
            raise ValueError(f"unknown fault kind {kind!r}")
        return True


class LoopStandin(HTTPSServer):
    def __init__(self, port: int = 0) -> None:
        super().__init__(LoopHandler, port)
        self.reset()

    def reset(self) -> None:
        # "labels": Generate Label answers this key (Loop's docs are unclear whether labels need OAuth, Q6).
        self.keys: dict[str, set[str]] = {
            FULL_KEY: {"returns", "orders", "draft_returns", "labels"},
            RETURNS_ONLY_KEY: {"returns"},
            NO_DRAFTS_KEY: {"returns", "orders"},
        }
        self.latency = 0.0
        self.faults: list[Fault] = []
        self.name_form = "both"
        self.customer_lookup = True
        self.customer_filter_ignored = False
        self.drafts_enabled = True
        self.not_found_shape = "message"
        self.lookup_field = "email"
        self.orders = demo_orders()
        self.returns = demo_returns()
        self.drafts: dict[str, dict] = {}
        self.notes = demo_notes()
        self.next_note_id = 6000
        self.allowlist: list[dict] = []
        self.pending_labels: dict[str, float] = {}  # return id -> when its queued label shows
        self.label_delay = 3.0
        self.label_generation_fails = False
        self.writes_refused: set[str] = set()  # keys that may read returns but not cancel or flag them (403)
        self.next_allowlist_id = 800
        self.links: list[dict] = []
        self.qr_png = _tiny_png()
        self.clear_log()

    def ripen_labels(self) -> None:
        """Queued labels whose time has come appear on their return, as Generate Label's docs describe."""
        now = time.monotonic()
        with self.lock:
            for rid, due in list(self.pending_labels.items()):
                ret = next((r for r in self.returns if r["id"] == rid), None)
                if now < due or ret is None:
                    continue
                del self.pending_labels[rid]
                stamp = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
                number = f"94001118992233976{int(rid) % 100000:05d}"
                url = f"https://labels.loopreturns.com/{rid}-1.pdf"
                ret["labels"] = [
                    {
                        "status": "new",
                        "carrier": "USPS",
                        "tracking_number": number,
                        "rate": 7.5,
                        "url": url,
                        "updated_at": stamp,
                        "line_items": [],
                    }
                ]
                ret.update(
                    carrier="USPS", tracking_number=number, label_status="new", label_url=url, label_updated_at=stamp
                )

    def take_fault(self, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if re.search(fault.path, path) and (fault.times is None or fault.hits < fault.times):
                    fault.hits += 1
                    return fault
        return None

    def api_requests(self, path_contains: str = "") -> list[Recorded]:
        with self.lock:
            return [r for r in self.requests if path_contains in r.path]


def _tiny_png() -> bytes:
    import struct
    import zlib

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes([0, 255] * 4) for _ in range(8))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 0, 0, 0, 0)[:13])
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
