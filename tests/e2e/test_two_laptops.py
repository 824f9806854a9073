"""Issue 5's proof: one simulated meeting on two laptops gives one data set, by server or USB.

Everything is real: two SQLCipher device stores filled by the simulator on the DEMO study, a
uvicorn server on loopback, enrolment and sync with SyncClient, `python main.py pull` and
`python main.py import` with the DEMO study key, and USB bundles written by the laptops.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyreadstat
import pytest

from survey_app.bundle.from_store import export_store
from survey_app.cli.main import main
from survey_app.server.config import ServerConfig
from survey_app.server.service import ServerService
from survey_app.simulate import SimClock, simulate
from survey_app.store import DeviceStore
from survey_app.study import load_study
from survey_app.study.demo import demo_study_dir
from survey_app.sync.client import SyncClient
from survey_app.sync.credentials import save_credentials
from tests.kdf import FAST_KDF
from tests.server.support import running_server

pytestmark = pytest.mark.slow  # ~20-40 s: four imports with .sav/.dta writing

DEMO_KEY = demo_study_dir() / "DEMO-study-private-key.age"
DEMO_KEY_PASSPHRASE = "demo"
PARTICIPANTS = {"laptop-a": (9, 11), "laptop-b": (7, 23)}  # name: (participants, seed)
PAGE_SIZE = 5  # as given to pull below: several pages
DATA_SUFFIXES = (".csv", ".sav", ".dta")


@dataclass
class Laptop:
    name: str
    device_id: str
    sessions: Counter[str]  # timepoint -> sealed submissions
    usb_dir: Path


@dataclass
class Meeting:
    root: Path
    laptops: list[Laptop]
    service: ServerService
    pulled: Path
    known_devices: Path
    out_server: Path
    out_usb: Path
    codes: dict[str, int]  # exit codes of the steps

    @property
    def total(self) -> int:
        return sum(sum(laptop.sessions.values()) for laptop in self.laptops)


def import_cli(sources: list[Path], out: Path, *extra: str) -> int:
    """`python main.py import` with the DEMO study and key."""
    return main(
        [
            "import",
            *map(str, sources),
            "--key",
            str(DEMO_KEY),
            "--study",
            str(demo_study_dir()),
            "--out",
            str(out),
            *extra,
        ]
    )


def run_laptop(name: str, root: Path, url: str, service: ServerService) -> Laptop:
    """One laptop: simulate a meeting, enrol, sync, and write a USB bundle of everything."""
    participants, seed = PARTICIPANTS[name]
    clock = SimClock()
    path = root / name / "device-store.db"
    with DeviceStore.create(path, f"passphrase-{name}", kdf=FAST_KDF, clock=clock) as store:
        simulate(store, load_study(demo_study_dir()), participants, seed, clock)
        sessions = Counter(s.timepoint for s in store.sessions() if s.submission_id)
        code, _ = service.create_enrol_code(label=name)
        with SyncClient(url) as client:
            credentials = client.enrol(code, store.device_key, label=name)
        save_credentials(store, credentials)
        with SyncClient.for_credentials(credentials) as client:
            result = client.sync_once(store)
        assert result.complete, result.stopped
        usb = root / "usb" / name
        usb.mkdir(parents=True)
        assert export_store(store, usb, include_all=True) is not None
        return Laptop(name, store.device_id, sessions, usb)


@pytest.fixture(scope="module")
def meeting(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Meeting]:
    root = tmp_path_factory.mktemp("meeting")
    config = ServerConfig(database=str(root / "server.sqlite3"), study_ids=("demo",))
    with pytest.MonkeyPatch.context() as env, running_server(config) as (service, server):
        laptops = [run_laptop(name, root, server.url, service) for name in PARTICIPANTS]
        _, token = service.create_account("dm", "data_manager")
        env.setenv("SURVEY_APP_TOKEN", token)
        env.setenv("SURVEY_KEY_PASSPHRASE", DEMO_KEY_PASSPHRASE)
        known = root / "known-devices.json"
        pulled = root / "pulled"
        db = ["--db", config.database]
        codes = {
            "info": main(["server", "info", *db, "--known-devices", str(known)]),
            "pull": main(
                ["pull", "--server", server.url, "--out", str(pulled), "--page-size", "5"]
            ),
        }
        with_known = ("--known-devices", str(known))
        codes["import_server"] = import_cli([pulled], root / "out_server", *with_known)
        usb_dirs = [laptop.usb_dir for laptop in laptops]
        codes["import_usb"] = import_cli(usb_dirs, root / "out_usb", *with_known)
        yield Meeting(
            root,
            laptops,
            service,
            pulled,
            known,
            root / "out_server",
            root / "out_usb",
            codes,
        )


def data_files(out: Path) -> list[str]:
    """The data sets an import wrote (not the codebook)."""
    return sorted(
        p.name
        for p in out.iterdir()
        if p.suffix in DATA_SUFFIXES and not p.name.startswith("codebook")
    )


def csv_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def test_every_step_of_the_meeting_succeeds(meeting: Meeting) -> None:
    assert meeting.codes == {"info": 0, "pull": 0, "import_server": 0, "import_usb": 0}


def test_the_server_holds_every_sealed_submission_of_both_laptops(meeting: Meeting) -> None:
    assert meeting.service.repository.count_submissions() == meeting.total


def test_the_pull_writes_one_bundle_per_page_and_remembers_the_cursor(meeting: Meeting) -> None:
    bundles = sorted(meeting.pulled.glob("*.surveybundle"))
    state = json.loads((meeting.pulled / "pull-state.json").read_text(encoding="utf-8"))
    assert len(bundles) == -(-meeting.total // PAGE_SIZE)
    assert int(state["cursor"]) == meeting.total


def test_server_and_usb_give_the_same_data_files(meeting: Meeting) -> None:
    names = data_files(meeting.out_server)
    assert names == data_files(meeting.out_usb)
    assert {"baseline.csv", "baseline.sav", "baseline.dta"} <= set(names)


def test_server_and_usb_give_byte_identical_csv_files_and_codebook(meeting: Meeting) -> None:
    names = [n for n in data_files(meeting.out_server) if n.endswith(".csv")]
    names += ["codebook.json", "codebook.csv"]
    for name in names:
        server, usb = (
            (meeting.out_server / name).read_bytes(),
            (meeting.out_usb / name).read_bytes(),
        )
        assert server == usb, name


@pytest.mark.parametrize("suffix", [".sav", ".dta"])
def test_server_and_usb_give_equal_spss_and_stata_files(meeting: Meeting, suffix: str) -> None:
    read = pyreadstat.read_sav if suffix == ".sav" else pyreadstat.read_dta
    for name in (n for n in data_files(meeting.out_server) if n.endswith(suffix)):
        server, server_meta = read(str(meeting.out_server / name), user_missing=True)
        usb, usb_meta = read(str(meeting.out_usb / name), user_missing=True)
        assert server.equals(usb), name
        assert server_meta.column_names_to_labels == usb_meta.column_names_to_labels
        assert server_meta.variable_value_labels == usb_meta.variable_value_labels


def test_each_laptops_submissions_are_counted_per_timepoint(meeting: Meeting) -> None:
    for out in (meeting.out_server, meeting.out_usb):
        rows = Counter()
        for name in (n for n in data_files(out) if n.endswith(".csv") and "free-text" not in n):
            for row in csv_rows(out / name):
                rows[(row["device_id"], row["timepoint"])] += 1
        expected = Counter(
            {
                (laptop.device_id, tp): n
                for laptop in meeting.laptops
                for tp, n in laptop.sessions.items()
            }
        )
        assert rows == expected


def test_no_device_is_trusted_on_first_use_with_the_servers_key_list(meeting: Meeting) -> None:
    for out in (meeting.out_server, meeting.out_usb):
        report = json.loads((out / "import-report.json").read_text(encoding="utf-8"))
        assert report["trusted_on_first_use"] == []


def test_importing_server_and_usb_into_one_folder_counts_each_submission_once(
    meeting: Meeting,
) -> None:
    out = meeting.root / "out_both"
    sources = [meeting.pulled, *(laptop.usb_dir for laptop in meeting.laptops)]
    assert import_cli(sources, out) == 0
    report = json.loads((out / "import-report.json").read_text(encoding="utf-8"))
    assert report["submissions"]["new"] == meeting.total
    assert report["submissions"]["duplicates"] == meeting.total
    assert (out / "baseline.csv").read_bytes() == (meeting.out_server / "baseline.csv").read_bytes()


def tamper(bundle: Path) -> None:
    """Change one byte inside one sealed envelope of a bundle, keeping the zip readable."""
    with zipfile.ZipFile(bundle) as zf:
        members = [(info, zf.read(info)) for info in zf.infolist()]
    done = False
    with zipfile.ZipFile(bundle, "w", compression=zipfile.ZIP_STORED) as zf:
        for info, data in members:
            if not done and info.filename.startswith("envelopes/"):
                at = data.index(b'"ciphertext":"') + 20
                data = data[:at] + (b"A" if data[at : at + 1] != b"A" else b"B") + data[at + 1 :]
                done = True
            zf.writestr(info, data)


def test_a_tampered_usb_bundle_is_rejected_with_its_reason_and_loses_nothing(
    meeting: Meeting, capsys: pytest.CaptureFixture[str]
) -> None:
    good, bad = meeting.laptops
    stick = meeting.root / "stick-with-tampered"
    shutil.copytree(good.usb_dir, stick / good.name)
    shutil.copytree(bad.usb_dir, stick / bad.name)
    (tampered,) = (stick / bad.name).glob("*.surveybundle")
    tamper(tampered)
    out = meeting.root / "out_tampered"
    capsys.readouterr()

    assert import_cli([stick], out) == 4
    report = json.loads((out / "import-report.json").read_text(encoding="utf-8"))
    assert report["bundles"] == {"accepted": 1, "rejected": 1}
    assert report["rejections"][0]["source"] == tampered.name
    assert "changed after export" in report["rejections"][0]["reason"]
    assert report["submissions"]["new"] == sum(good.sessions.values())
    assert "Rejected" in capsys.readouterr().out
    # The laptop's own bundle was never touched: importing it later completes the data set.
    assert import_cli([bad.usb_dir], out) == 0
    assert (out / "baseline.csv").read_bytes() == (meeting.out_usb / "baseline.csv").read_bytes()
