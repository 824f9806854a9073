"""Real building blocks for server and sync tests: servers, keys, envelopes, PostgreSQL."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from survey_app.sealing.device_keys import DeviceKey
from survey_app.sealing.envelope import seal
from survey_app.sealing.study_keys import generate_study_keypair
from survey_app.server.config import ServerConfig
from survey_app.server.enrol_proof import proof_message
from survey_app.server.runner import BackgroundServer, TlsFiles
from survey_app.server.service import ServerService

REPO = Path(__file__).resolve().parents[2]
STUDY_ID = "raskt-demo"
# The studies a test server collects: the fixture study and the DEMO study of the app.
TEST_STUDIES = (STUDY_ID, "demo")
STUDY_PUBLIC_KEY = generate_study_keypair().public


def make_envelope(
    key: DeviceKey,
    *,
    submission_id: str | None = None,
    study_id: str = STUDY_ID,
    payload: dict | None = None,
    device_id: str | None = None,
    version: int = 2,
) -> dict[str, str]:
    """A really sealed envelope (age encryption, Ed25519 signatures) of the given version."""
    return seal(
        payload if payload is not None else {"format": "test", "answers": [{"value": 3}]},
        submission_id=submission_id or str(uuid.uuid4()),
        study_id=study_id,
        device_id=device_id or key.device_id,
        device_key=key,
        recipient=STUDY_PUBLIC_KEY,
        version=version,
    )


@dataclass
class Enrolled:
    """A laptop key and the bearer token the server issued for it."""

    key: DeviceKey
    token: str
    server_public_key: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def post_enrol(
    client: httpx.Client,
    code: str,
    key: DeviceKey,
    *,
    signer: DeviceKey | None = None,
    label: str | None = None,
) -> httpx.Response:
    """The enrolment protocol: ask for a challenge, sign it (with `signer`, normally `key`)."""
    challenge = client.post("/v1/enrol/challenge")
    assert challenge.status_code == 201, challenge.text
    text, study_id = challenge.json()["challenge"], challenge.json()["study_id"]
    body = {
        "code": code,
        "device_public_key": key.public_b64,
        "challenge": text,
        "proof": (signer or key).sign(proof_message(text, code, study_id, key.public_b64)),
        "label": label,
    }
    return client.post("/v1/enrol", json=body)


def enrol(client: httpx.Client, service: ServerService, key: DeviceKey | None = None) -> Enrolled:
    """Enrol a fresh (or given) device key over HTTP with a new one-time code."""
    key = key or DeviceKey.generate()
    code, _ = service.create_enrol_code()
    response = post_enrol(client, code, key)
    assert response.status_code == 201, response.text
    body = response.json()
    return Enrolled(key, body["token"], body["server_public_key"])


@contextmanager
def running_server(
    config: ServerConfig, tls: TlsFiles | None = None
) -> Iterator[tuple[ServerService, BackgroundServer]]:
    """Open the service and serve it on a free loopback port in a thread."""
    service = ServerService.open(config)
    try:
        with BackgroundServer(service, tls=tls) as server:
            yield service, server
    finally:
        service.close()


def self_signed_tls(folder: Path) -> TlsFiles:
    """A self-signed certificate for 127.0.0.1 (its own CA) and its key, as PEM files."""
    import ipaddress
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

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
    certfile, keyfile = folder / "cert.pem", folder / "key.pem"
    certfile.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    keyfile.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return TlsFiles(certfile, keyfile)


# -- a server in a subprocess, for kill -9 -------------------------------------------------------


@dataclass
class ServerProcess:
    process: subprocess.Popen
    url: str
    port: int

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers, no flushing, like pulling the plug."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


def start_server_process(
    db: Path | str, port: int = 0, *extra: str, env: dict[str, str] | None = None, stderr=None
) -> ServerProcess:
    """`python main.py server` in a child process; waits for its 'listening on' line.

    `stderr`: where its log goes (default: discarded); `env`: extra environment variables.
    """
    process = subprocess.Popen(
        [
            sys.executable,
            str(REPO / "main.py"),
            "server",
            "--db",
            str(db),
            "--port",
            str(port),
            *(a for study in TEST_STUDIES for a in ("--study-id", study)),
            *list(extra),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL if stderr is None else stderr,
        text=True,
        env={**os.environ, **(env or {})},
    )
    assert process.stdout is not None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        match = re.search(r"listening on (http\S+):(\d+)", line)
        if match:
            return ServerProcess(process, f"{match[1]}:{match[2]}", int(match[2]))
        if not line and process.poll() is not None:
            break
    process.kill()
    process.wait()
    raise RuntimeError("server process did not start")


# -- a throwaway PostgreSQL cluster ----------------------------------------------------------------


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)
    return str(candidates[0]) if candidates else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresCluster:
    url: str
    data_dir: Path
    pg_ctl: str
    as_user: list[str]

    def stop(self) -> None:
        subprocess.run(
            [*self.as_user, self.pg_ctl, "-D", str(self.data_dir), "-m", "immediate", "stop"],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(self.data_dir.parent, ignore_errors=True)


def start_postgres(base: Path) -> PostgresCluster | str:
    """Start a cluster on a free port; returns the reason instead when that is not possible."""
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not initdb or not pg_ctl:
        return "PostgreSQL binaries (initdb, pg_ctl) are not installed"
    as_user: list[str] = []
    if os.geteuid() == 0:
        # PostgreSQL refuses to run as root; tmp_path is not readable by other users.
        runuser = shutil.which("runuser")
        try:
            import pwd

            pw = pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' user to run PostgreSQL"
        if not runuser:
            return "running as root and runuser is missing"
        as_user = [runuser, "-u", "postgres", "--"]
        base = Path(tempfile.mkdtemp(prefix="survey-pg-"))
        os.chown(base, pw.pw_uid, pw.pw_gid)
    else:
        base.mkdir(parents=True, exist_ok=True)
    data_dir = base / "data"
    port = _free_port()
    init = subprocess.run(
        [*as_user, initdb, "-D", str(data_dir), "-U", "postgres", "--auth=trust", "-E", "UTF8"],
        capture_output=True,
        text=True,
    )
    if init.returncode != 0:
        return f"initdb failed: {init.stderr.strip()[:200]}"
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=on"
    start = subprocess.run(
        [
            *as_user,
            pg_ctl,
            "-D",
            str(data_dir),
            "-o",
            options,
            "-l",
            str(base / "log"),
            "-w",
            "start",
        ],
        capture_output=True,
        text=True,
    )
    if start.returncode != 0:
        return f"pg_ctl start failed: {start.stderr.strip()[:200]}"
    return PostgresCluster(
        f"postgresql://postgres@127.0.0.1:{port}/postgres", data_dir, pg_ctl, as_user
    )


def fresh_postgres_database(cluster: PostgresCluster) -> str:
    """A new empty database in the cluster; returns its URL."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(cluster.url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return cluster.url.rsplit("/", 1)[0] + f"/{name}"
