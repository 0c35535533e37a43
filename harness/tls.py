"""A throwaway self-signed certificate for the stand-ins, made once per run in a temp directory.

Chromium accepts it through --ignore-certificate-errors; CPython clients in the tests trust it explicitly.
"""

from __future__ import annotations

import datetime
import ssl
import tempfile
from functools import lru_cache
from pathlib import Path

HOSTS = ("www.klaviyo.com", "api.loopreturns.com", "localhost")


@lru_cache(maxsize=1)
def certificate() -> tuple[Path, Path]:
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "loop-returns local stand-ins")])
    now = datetime.datetime.now(datetime.UTC)
    san = [x509.DNSName(h) for h in HOSTS] + [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=7))
        .add_extension(x509.SubjectAlternativeName(san), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = Path(tempfile.mkdtemp(prefix="loop-standin-tls-"))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def server_context() -> ssl.SSLContext:
    cert_path, key_path = certificate()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert_path, key_path)
    return ctx


def client_context() -> ssl.SSLContext:
    """For CPython clients talking to the stand-ins: trusts exactly the stand-in certificate."""
    ctx = ssl.create_default_context(cafile=str(certificate()[0]))
    return ctx
