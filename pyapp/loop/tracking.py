"""Where a return's parcel is: the carrier, its number, the label's status and a page to follow it on.

A tracking number is validated and URL-encoded before it goes into a carrier's page; an unknown carrier links
to Loop's return status page instead.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import quote

from pyapp.loop.fields import LoopModel

UNSHIPPED = ("new", "pre_transit")  # a label made, not yet scanned by the carrier

# Carrier tracking pages. The number is validated and URL-encoded before it is put in; unknown carriers link to
# Loop's return status page instead.
CARRIER_TRACKING = {
    "usps": "https://tools.usps.com/go/TrackConfirmAction?tLabels={n}",
    "ups": "https://www.ups.com/track?tracknum={n}",
    "fedex": "https://www.fedex.com/fedextrack/?trknbr={n}",
    "dhl": "https://www.dhl.com/global-en/home/tracking/tracking-express.html?tracking-id={n}",
    "dhl express": "https://www.dhl.com/global-en/home/tracking/tracking-express.html?tracking-id={n}",
    "dhl ecommerce": "https://www.dhl.com/us-en/home/tracking/tracking-ecommerce.html?tracking-id={n}",
    "canada post": "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={n}",
    "canadapost": "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={n}",
    "royal mail": "https://www.royalmail.com/track-your-item#/tracking-results/{n}",
    "postnl": "https://jouw.postnl.nl/track-and-trace/{n}",
    "australia post": "https://auspost.com.au/mypost/track/details/{n}",
}
TRACKING_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9 -]{3,39}")


class Tracking(LoopModel):
    carrier: str | None = None
    number: str | None = None
    status: str | None = None
    status_page_url: str | None = None
    updated_at: datetime | None = None  # when the label got its status

    @property
    def not_shipped(self) -> bool:
        """The label exists but the carrier has not scanned it (EasyPost's ``new`` / ``pre_transit``)."""
        return (self.status or "").strip().lower() in ("new", "pre_transit")

    @property
    def url(self) -> str | None:
        if self.number and TRACKING_NUMBER.fullmatch(self.number):
            template = CARRIER_TRACKING.get((self.carrier or "").strip().lower())
            if template:
                return template.format(n=quote(self.number.replace(" ", ""), safe=""))
        return self.status_page_url
