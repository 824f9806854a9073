"""Stateful properties of the live server: sequences of requests, each refused when it must be.

Hypothesis plays several laptops, a data manager and an attacker against one real uvicorn
server in random order: enrol with fresh, spent and made-up codes; upload new envelopes, retries,
conflicting content under a taken id, another laptop's envelope, with a revoked token; erase
submissions and upload them again; use tokens of the wrong role. A model of what the server
must hold is kept beside it, and after every step the server's export (the data manager's
view) must hold exactly the model's submissions, byte for byte.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import httpx
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    precondition,
    rule,
)

from survey_app.sealing.device_keys import DeviceKey
from survey_app.sealing.envelope import envelope_hash
from survey_app.server.config import ServerConfig
from survey_app.server.receipts import verify_receipt
from survey_app.server.runner import BackgroundServer
from survey_app.server.service import ServerService
from survey_app.sync.client import SyncClient, SyncError
from tests.properties import examples
from tests.server.support import STUDY_ID, make_envelope

TRACEBACK = ("Traceback", 'File "/')


@dataclass
class Laptop:
    key: DeviceKey
    token: str
    server_public_key: str
    revoked: bool = False

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class Sent:
    """A submission the server has (or had, if erased) and who sent it."""

    laptop: Laptop
    envelope: dict[str, str]
    erased: bool = False


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class ServerModel(RuleBasedStateMachine):
    """One fresh server per run; the model says what every answer must be."""

    codes = Bundle("codes")
    laptops = Bundle("laptops")
    submissions = Bundle("submissions")

    def __init__(self) -> None:
        super().__init__()
        import tempfile

        self._folder = tempfile.TemporaryDirectory()
        config = ServerConfig(
            database=f"{self._folder.name}/server.sqlite3",
            study_ids=(STUDY_ID,),
            rate_per_second=10_000,
            rate_burst=10_000,
            enrol_failures_per_hour=1_000_000,
        )
        self.service = ServerService.open(config)
        self.server = BackgroundServer(self.service).__enter__()
        self.http = httpx.Client(base_url=self.server.url, timeout=10)
        _, self.manager = self.service.create_account("dm", "data_manager")
        _, self.admin = self.service.create_account("admin", "admin")
        self.stored: dict[str, Sent] = {}
        self.spent: list[str] = []

    def teardown(self) -> None:
        self.http.close()
        self.server.__exit__(None, None, None)
        self.service.close()
        self._folder.cleanup()

    def check(self, response: httpx.Response, *statuses: int) -> dict:
        """The status the model expects, and a JSON body without internals."""
        assert response.status_code in statuses, (response.status_code, response.text[:300])
        assert not any(marker in response.text for marker in TRACEBACK)
        return response.json()

    # -- enrolment ----------------------------------------------------------------------------

    @rule(target=codes)
    def admin_creates_a_code(self) -> str:
        body = self.check(
            self.http.post("/v1/admin/enrol-codes", json={}, headers=bearer(self.admin)), 201
        )
        return body["code"]

    @rule(target=laptops, code=consumes(codes))
    def a_laptop_enrols_with_a_fresh_code(self, code: str) -> Laptop:
        key = DeviceKey.generate()
        with SyncClient(self.server.url) as client:
            credentials = client.enrol(code, key, label="laptop")
        self.spent.append(code)
        return Laptop(key, credentials.token, credentials.server_public_key)

    @precondition(lambda self: self.spent)
    @rule(data=st.data())
    def a_spent_code_is_refused(self, data: st.DataObject) -> None:
        code = data.draw(st.sampled_from(self.spent))
        with SyncClient(self.server.url) as client:
            try:
                client.enrol(code, DeviceKey.generate())
            except SyncError:
                return
        raise AssertionError("a spent enrolment code enrolled a second laptop")

    @rule(code=st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ23456789-", min_size=4, max_size=20))
    def a_made_up_code_is_refused(self, code: str) -> None:
        with SyncClient(self.server.url) as client:
            try:
                client.enrol(code, DeviceKey.generate())
            except SyncError:
                return
        raise AssertionError("a made-up enrolment code enrolled a laptop")

    @rule(laptop=laptops)
    def the_admin_revokes_a_laptop(self, laptop: Laptop) -> None:
        self.service.repository.revoke_device(laptop.key.device_id)
        laptop.revoked = True

    # -- uploads --------------------------------------------------------------------------------

    @rule(target=submissions, laptop=laptops, value=st.integers(0, 4))
    def a_laptop_uploads_a_new_submission(self, laptop: Laptop, value: int) -> str:
        envelope = make_envelope(laptop.key, payload={"answers": [{"value": value}]})
        response = self.http.post("/v1/submissions", json=envelope, headers=laptop.headers)
        if laptop.revoked:
            self.check(response, 401)
            return envelope["submission_id"]  # never stored: later rules see it as unknown
        receipt = self.check(response, 201)
        verify_receipt(
            receipt,
            server_public_key=laptop.server_public_key,
            submission_id=envelope["submission_id"],
            content_hash=envelope_hash(envelope),
        )
        self.stored[envelope["submission_id"]] = Sent(laptop, envelope)
        return envelope["submission_id"]

    @rule(submission_id=submissions)
    def a_retry_gets_the_same_receipt_or_the_erasure_notice(self, submission_id: str) -> None:
        sent = self.stored.get(submission_id)
        if sent is None:
            return
        response = self.http.post(
            "/v1/submissions", json=sent.envelope, headers=sent.laptop.headers
        )
        if sent.laptop.revoked:
            self.check(response, 401)
        elif sent.erased:
            assert self.check(response, 410)["error"] == "erased"
        else:
            assert self.check(response, 200)["submission_id"] == submission_id

    @rule(submission_id=submissions, value=st.integers(5, 9))
    def different_content_under_a_taken_id_is_refused(self, submission_id: str, value: int) -> None:
        sent = self.stored.get(submission_id)
        if sent is None or sent.laptop.revoked:
            return
        other = make_envelope(
            sent.laptop.key, submission_id=submission_id, payload={"answers": [{"value": value}]}
        )
        response = self.http.post("/v1/submissions", json=other, headers=sent.laptop.headers)
        self.check(response, 410 if sent.erased else 409)

    @rule(thief=laptops, owner=laptops)
    def an_envelope_of_another_laptop_is_refused(self, thief: Laptop, owner: Laptop) -> None:
        if thief is owner:
            return
        envelope = make_envelope(owner.key)
        response = self.http.post("/v1/submissions", json=envelope, headers=thief.headers)
        self.check(response, 401 if thief.revoked else 403)

    @rule(laptop=laptops)
    def an_envelope_signed_by_a_key_of_no_laptop_is_refused(self, laptop: Laptop) -> None:
        stranger = DeviceKey.generate()
        envelope = make_envelope(stranger, device_id=laptop.key.device_id)
        response = self.http.post("/v1/submissions", json=envelope, headers=laptop.headers)
        self.check(response, 401 if laptop.revoked else 403)

    @rule(token=st.sampled_from(["dm", "admin", "junk"]))
    def a_token_that_is_no_laptops_cannot_upload(self, token: str) -> None:
        value = {"dm": self.manager, "admin": self.admin, "junk": uuid.uuid4().hex}[token]
        envelope = make_envelope(DeviceKey.generate())
        self.check(self.http.post("/v1/submissions", json=envelope, headers=bearer(value)), 401)

    # -- the data manager -----------------------------------------------------------------------

    @rule(submission_id=submissions)
    def the_data_manager_erases_a_submission(self, submission_id: str) -> None:
        body = self.check(
            self.http.post(
                "/v1/erasures",
                json={"submission_ids": [submission_id], "reference": "DPO-1"},
                headers=bearer(self.manager),
            ),
            200,
        )
        sent = self.stored.get(submission_id)
        expected = "not_stored" if sent is None else "already_erased" if sent.erased else "deleted"
        assert body["submissions"] == {submission_id: expected}
        if sent is not None:
            sent.erased = True

    @rule(laptop=laptops)
    def a_laptop_token_cannot_export_or_erase(self, laptop: Laptop) -> None:
        self.check(
            self.http.get("/v1/export", headers=laptop.headers), 401 if laptop.revoked else 403
        )
        response = self.http.post(
            "/v1/erasures", json={"submission_ids": ["x"]}, headers=laptop.headers
        )
        self.check(response, 401 if laptop.revoked else 403)

    @invariant()
    def the_export_holds_exactly_the_models_submissions(self) -> None:
        exported: dict[str, dict] = {}
        cursor, more = "0", True
        while more:
            body = self.check(
                self.http.get(
                    "/v1/export",
                    params={"since": cursor, "format": "json", "limit": 7},
                    headers=bearer(self.manager),
                ),
                200,
            )
            for envelope in body["envelopes"]:
                assert envelope["submission_id"] not in exported, "exported twice"
                exported[envelope["submission_id"]] = envelope
            cursor, more = body["cursor"], body["more"]
        expected = {sid: sent.envelope for sid, sent in self.stored.items() if not sent.erased}
        assert exported == expected


ServerModel.TestCase.settings = settings(
    max_examples=examples(8), stateful_step_count=25, deadline=None
)
test_the_server_answers_every_sequence_of_requests_as_the_model_says = ServerModel.TestCase
