"""On PostgreSQL an erased envelope leaves the database files at once, not at some vacuum."""

from __future__ import annotations

import psycopg
import pytest

from survey_app.sealing.device_keys import DeviceKey
from survey_app.server.config import ServerConfig
from survey_app.server.enrol_proof import sign_proof
from survey_app.server.service import ServerService
from tests.server.support import TEST_STUDIES, PostgresCluster, make_envelope

pytestmark = pytest.mark.postgres


def _database_files(cluster: PostgresCluster, url: str) -> bytes:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CHECKPOINT")  # dirty pages reach the files
        (oid,) = conn.execute(
            "SELECT oid FROM pg_database WHERE datname = current_database()"
        ).fetchone()
    folder = cluster.data_dir / "base" / str(oid)
    try:
        return b"".join(p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file())
    except PermissionError:
        pytest.skip("the PostgreSQL data files are not readable by this user")


def _markers(envelope: dict[str, str]) -> list[bytes]:
    text = envelope["ciphertext"]
    return [text[i : i + 48].encode("ascii") for i in range(0, len(text) - 48, 97)]


def test_erased_envelope_bytes_leave_the_postgres_files_at_once(
    pg_cluster: PostgresCluster, pg_url: str
) -> None:
    service = ServerService.open(ServerConfig(database=pg_url, study_ids=TEST_STUDIES))
    try:
        key = DeviceKey.generate()
        code, _ = service.create_enrol_code()
        challenge, _, study_id = service.enrol_challenge()
        proof = sign_proof(key, challenge, code, study_id)
        enrolment = service.enrol(code, key.public_b64, challenge=challenge, proof=proof)
        device = service.device_for_token(enrolment.token)
        assert device is not None
        erased = make_envelope(key, payload={"answers": [{"value": i} for i in range(400)]})
        kept = make_envelope(key)
        for envelope in (erased, kept):
            service.accept_upload(device, envelope)
        before = _database_files(pg_cluster, pg_url)
        # The test means something only if the envelope is in the files to begin with.
        assert any(marker in before for marker in _markers(erased))

        service.erase_submissions([erased["submission_id"]], reference=None, requested_by="t")

        after = _database_files(pg_cluster, pg_url)
        assert not [m for m in _markers(erased) if m in after]
        assert _markers(kept)[0] in after
        assert service.repository.submission(kept["submission_id"]) is not None
    finally:
        service.close()
