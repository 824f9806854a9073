"""The data manager's import into a full or read-only output folder: clear, and nothing lost.

The output folder is on a real small file system (tests/smallfs.py), filled so that the disk
runs out at different points of the import: while creating the record, while taking bundles,
while writing the data sets. Each time the command says the disk is full (never "internal
error"), no data file is half-written under its name, no partial file stays behind, and after
freeing space the same command finishes with data sets equal to those of an undisturbed run.
"""

from __future__ import annotations

import errno
from pathlib import Path

import pyreadstat
import pytest

from survey_app.bundle.from_store import export_store
from survey_app.cli.main import main
from survey_app.codebook import build_codebook
from survey_app.importer.dataset import build_tables
from survey_app.importer.outputs import make_scorer
from survey_app.importer.record import ImportRecord
from survey_app.importer.writers import write_dta, write_sav
from survey_app.sealing.study_keys import read_private_key
from survey_app.simulate.runner import SimClock, simulate
from survey_app.store import DeviceStore, store_path_in
from survey_app.study import demo_study_dir, load_study
from survey_app.study.demo import DEMO_PASSPHRASE, demo_private_key_path
from tests.kdf import FAST_KDF
from tests.smallfs import FILLER, SmallDisk

DEMO_KEY = demo_study_dir() / "DEMO-study-private-key.age"
RECORD_FILES = ("import-record.db", "import-record.db-wal", "import-record.db-shm")
# Where the disk runs out, as a share of the space an undisturbed import needs.
SHARES = (0.0, 0.5, 0.8, 0.9)


@pytest.fixture(scope="module")
def usb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A USB folder with one bundle of 12 simulated DEMO participants."""
    root = tmp_path_factory.mktemp("import-disk-full")
    with DeviceStore.create(store_path_in(root / "laptop"), "passphrase-1", kdf=FAST_KDF) as s:
        simulate(s, load_study(demo_study_dir()), 12, seed=21, clock=SimClock())
        (root / "usb").mkdir()
        assert export_store(s, root / "usb") is not None
    return root / "usb"


def run_import(usb: Path, out: Path) -> int:
    return main(
        [
            "import",
            str(usb),
            "--key",
            str(DEMO_KEY),
            "--study",
            str(demo_study_dir()),
            "--out",
            str(out),
        ]
    )


@pytest.fixture(scope="module")
def clean(usb: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The outputs of an import nothing disturbed."""
    out = tmp_path_factory.mktemp("clean") / "out"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SURVEY_KEY_PASSPHRASE", "demo")
        assert run_import(usb, out) == 0
    return out


@pytest.fixture(autouse=True)
def key_passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SURVEY_KEY_PASSPHRASE", "demo")


def assert_same_data(path: Path, reference: Path) -> None:
    """A data file equal to the undisturbed run's (.sav/.dta carry a time stamp: compare data)."""
    if path.suffix in (".sav", ".dta"):
        read = pyreadstat.read_sav if path.suffix == ".sav" else pyreadstat.read_dta
        data, meta = read(str(path), user_missing=True)
        expected, expected_meta = read(str(reference), user_missing=True)
        assert data.equals(expected), path.name
        assert meta.variable_value_labels == expected_meta.variable_value_labels
    else:
        assert path.read_bytes() == reference.read_bytes(), path.name


def assert_nothing_half_written(out: Path, clean: Path) -> None:
    """Every data file under its own name is complete; no partial or temporary file is left."""
    for path in out.iterdir():
        if path.name in RECORD_FILES or path.name == FILLER:
            continue
        assert not path.name.endswith((".partial", ".tmp")), path.name
        if path.name.startswith("import-report"):
            continue
        assert_same_data(path, clean / path.name)


def needed_bytes(clean: Path) -> int:
    return sum(p.stat().st_size for p in clean.iterdir())


@pytest.mark.parametrize("share", SHARES)
def test_an_import_that_runs_out_of_disk_says_so_and_finishes_once_space_is_freed(
    small_disk: SmallDisk, usb: Path, clean: Path, share: float, capsys
) -> None:
    out = small_disk.path / "out"
    small_disk.fill(leave=int(needed_bytes(clean) * share))
    code = run_import(usb, out)
    err = capsys.readouterr().err
    assert code == 1, err
    assert "disk of the output folder is full" in err
    assert "internal error" not in err
    if out.exists():
        assert_nothing_half_written(out, clean)
    small_disk.empty()
    assert run_import(usb, out) == 0
    for reference in clean.iterdir():
        if reference.name not in RECORD_FILES and not reference.name.startswith("import-report"):
            assert_same_data(out / reference.name, reference)


def test_an_import_into_a_read_only_folder_says_read_only(
    small_disk: SmallDisk, usb: Path, clean: Path, capsys
) -> None:
    out = small_disk.path / "out"
    assert run_import(usb, out) == 0
    (out / "baseline.csv").unlink()  # something to write again
    small_disk.read_only()
    code = run_import(usb, out)
    err = capsys.readouterr().err
    small_disk.writable()
    assert code == 1
    assert "read-only" in err and "internal error" not in err
    assert_nothing_half_written(out, clean)


@pytest.mark.parametrize("suffix", [".sav", ".dta"])
def test_a_data_file_the_full_disk_cut_short_never_lands_under_its_name(
    small_disk: SmallDisk, clean: Path, suffix: str
) -> None:
    """On a full disk a data file fails with ENOSPC and nothing lands under its name.

    The native writers' bytes fail in the atomic write; a file pyreadstat writes (a table the
    native writers decline) is read back first, because readstat can end a file early without
    reporting it (tests/importer/test_writers_read_back.py).
    """
    identity = read_private_key(demo_private_key_path(), DEMO_PASSPHRASE)
    library = load_study(demo_study_dir()).library
    codebook = build_codebook(library, 33)
    with ImportRecord.open(clean, identity) as record:
        tables = build_tables(codebook, record.payloads(), make_scorer(33), separate_free_text=True)
    table = next(t for t in tables if t.name == "baseline")
    write = write_sav if suffix == ".sav" else write_dta
    small_disk.fill(leave=(clean / f"baseline{suffix}").stat().st_size // 2)
    with pytest.raises(OSError) as caught:
        write(small_disk.path / f"baseline{suffix}", table)
    assert caught.value.errno == errno.ENOSPC
    assert [p.name for p in small_disk.path.iterdir()] == [FILLER]
