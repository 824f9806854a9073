"""HTTPS served directly by uvicorn with a self-signed certificate made in the test."""

from __future__ import annotations

import ipaddress
import ssl
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from survey_app.server.config import ServerConfig
from survey_app.server.runner import TlsFiles
from tests.server.support import running_server


@pytest.fixture
def tls(tmp_path: Path) -> TlsFiles:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    certfile, keyfile = tmp_path / "cert.pem", tmp_path / "key.pem"
    certfile.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    keyfile.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return TlsFiles(certfile, keyfile)


def test_server_answers_over_https_with_its_certificate(tls: TlsFiles, tmp_path: Path) -> None:
    config = ServerConfig(database=str(tmp_path / "s.db"))
    with running_server(config, tls) as (_, server):
        assert server.url.startswith("https://")
        trust = ssl.create_default_context(cafile=str(tls.certfile))
        with httpx.Client(base_url=server.url, verify=trust) as client:
            assert client.get("/v1/health").json()["status"] == "ok"


def test_client_without_the_certificate_refuses_the_connection(
    tls: TlsFiles, tmp_path: Path
) -> None:
    config = ServerConfig(database=str(tmp_path / "s.db"))
    with (
        running_server(config, tls) as (_, server),
        httpx.Client(base_url=server.url) as client,
        pytest.raises(httpx.ConnectError),
    ):
        client.get("/v1/health")
