"""deploy/Caddyfile, run by a real Caddy: TLS in front of two server processes.

The compose file cannot run here (no Docker engine), but its proxy configuration can: the same
Caddyfile with the same variables, upstreams on loopback instead of container names.
"""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from survey_app.sealing.envelope import envelope_hash
from survey_app.server.config import ServerConfig
from survey_app.server.receipts import verify_receipt
from survey_app.server.service import ServerService
from tests.server.support import ServerProcess, make_envelope, post_enrol, start_server_process

REPO = Path(__file__).resolve().parents[2]
CADDY = shutil.which("caddy")
pytestmark = pytest.mark.skipif(CADDY is None, reason="caddy is not installed (scripts/test does)")


def _self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    certfile, keyfile = folder / "fullchain.pem", folder / "privkey.pem"
    certfile.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    keyfile.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return certfile, keyfile


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[tuple[str, Path, list[ServerProcess], list[Path]]]:
    """Caddy on https://localhost:PORT in front of two server processes on one database."""
    database = tmp_path / "server.sqlite3"
    ServerService.open(ServerConfig(database=str(database))).close()
    logs = [tmp_path / f"server-{i}.log" for i in (1, 2)]
    servers = []
    for log in logs:
        with log.open("w") as stream:
            servers.append(start_server_process(database, 0, stderr=stream))
    certfile, keyfile = _self_signed(tmp_path)
    port = _free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "caddy-data"),
        "XDG_CONFIG_HOME": str(tmp_path / "caddy-config"),
        "SURVEY_SITE": f"https://localhost:{port}",
        "SURVEY_TLS_CERT": str(certfile),
        "SURVEY_TLS_KEY": str(keyfile),
        "SURVEY_UPSTREAMS": " ".join(f"127.0.0.1:{s.port}" for s in servers),
    }
    with (tmp_path / "caddy.log").open("w") as caddy_log:
        caddy = subprocess.Popen(
            [
                CADDY,
                "run",
                "--config",
                str(REPO / "deploy" / "Caddyfile"),
                "--adapter",
                "caddyfile",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=caddy_log,
        )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if caddy.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((tmp_path / "caddy.log").read_text()[-2000:]) from None
                time.sleep(0.1)
        yield f"https://localhost:{port}", certfile, servers, logs
    finally:
        caddy.terminate()
        caddy.wait(timeout=10)
        for server in servers:
            server.stop()


def test_upload_through_the_proxy_is_stored_once_with_a_valid_receipt(deployment) -> None:
    url, ca, servers, _ = deployment
    service = ServerService.open(ServerConfig(database=str(_database(servers))))
    try:
        code, _ = service.create_enrol_code()
        with httpx.Client(
            base_url=url, verify=ssl.create_default_context(cafile=str(ca)), timeout=10
        ) as client:
            from survey_app.sealing.device_keys import DeviceKey

            key = DeviceKey.generate()
            token = post_enrol(client, code, key).json()["token"]
            headers = {"Authorization": f"Bearer {token}"}
            envelope = make_envelope(key)
            first = client.post("/v1/submissions", json=envelope, headers=headers)
            again = client.post("/v1/submissions", json=envelope, headers=headers)
        assert (first.status_code, again.status_code) == (201, 200)
        assert first.headers["strict-transport-security"].startswith("max-age=")
        verify_receipt(
            first.json(),
            server_public_key=service.server_public_key,
            submission_id=envelope["submission_id"],
            content_hash=envelope_hash(envelope),
        )
        assert service.repository.count_submissions() == 1
    finally:
        service.close()


def test_metrics_are_not_served_to_the_outside(deployment) -> None:
    url, ca, servers, _ = deployment
    hidden = httpx.get(f"{url}/v1/metrics", verify=ssl.create_default_context(cafile=str(ca)))
    direct = httpx.get(f"{servers[0].url}/v1/metrics")
    assert hidden.status_code == 404
    assert direct.status_code == 401  # on the internal network: an admin token is needed


def test_proxy_spreads_requests_over_both_server_processes(deployment) -> None:
    url, ca, _, logs = deployment
    with httpx.Client(
        base_url=url, verify=ssl.create_default_context(cafile=str(ca)), timeout=10
    ) as client:
        for _ in range(8):
            assert client.get("/v1/health/live").status_code == 200
    time.sleep(0.2)
    served = [log.read_text().count("GET /v1/health/live 200") for log in logs]
    assert all(count > 0 for count in served), served


def _database(servers: list[ServerProcess]) -> Path:
    args = servers[0].process.args
    return Path(args[args.index("--db") + 1])
