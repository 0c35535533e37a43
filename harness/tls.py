"""Throwaway certificates for the stand-ins: a test CA and one leaf for HOSTS, made once per run by trustme.

Chromium accepts the leaf through --ignore-certificate-errors; CPython clients in the tests trust exactly the
test CA (client_context), so a certificate the stand-ins did not get from it is refused.
"""

from __future__ import annotations

import ssl
from functools import lru_cache

import trustme

HOSTS = ("www.klaviyo.com", "api.loopreturns.com", "localhost")


@lru_cache(maxsize=1)
def _issued() -> tuple[trustme.CA, trustme.LeafCert]:
    ca = trustme.CA(organization_name="loop-returns local stand-ins")
    return ca, ca.issue_cert(*HOSTS, "127.0.0.1")


def server_context() -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    _issued()[1].configure_cert(ctx)
    return ctx


def client_context() -> ssl.SSLContext:
    """For CPython clients talking to the stand-ins: trusts exactly the test CA that issued their certificate."""
    return ssl.create_default_context(cadata=_issued()[0].cert_pem.bytes().decode())
