"""`main.py codes`: A4 code cards from the study's code range, read back with pdftotext.

The QR codes are read back too: each page rendered like a printout (pdftoppm) and decoded
with zxing-cpp, the way a scanner at the meeting would read the card.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from survey_app.answers.codes import validate_code
from survey_app.cli.main import main
from survey_app.pdf.code_cards import KEEP_WIDTH, MARGIN
from survey_app.study import demo_study_dir
from survey_app.study.config import load_study_config
from tests.pdf.helpers import plain, words

CODE = re.compile(r"[A-Z]{1,4}-[0-9]{4,}-[0-9A-Z]")


def _cards(tmp_path: Path, *argv: str, name: str = "cards.pdf") -> Path:
    out = tmp_path / name
    assert main(["codes", *argv, "--out", str(out)]) == 0
    return out


def _text(pdf: Path) -> str:
    exe = shutil.which("pdftotext")
    if exe is None:
        pytest.skip("pdftotext (Debian package poppler-utils) is not installed")
    done = subprocess.run([exe, "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True)
    return plain(done.stdout.decode("utf-8"))


def _card_codes(pdf: Path) -> Counter[str]:
    """Codes printed on the cards (the page heading's first-to-last range left out)."""
    return Counter(w.text for w in words(pdf) if CODE.fullmatch(w.text) and w.y0 > 60)


# A cheap office printer's resolution; the QR codes must scan at this, not only at 300 dpi.
PRINT_DPI = 150


def _pages_as_printed(pdf: Path, tmp_path: Path) -> list[Image.Image]:
    exe = shutil.which("pdftoppm")
    if exe is None:
        pytest.skip("pdftoppm (Debian package poppler-utils) is not installed")
    prefix = tmp_path / "page"
    subprocess.run([exe, "-r", str(PRINT_DPI), "-gray", "-png", str(pdf), str(prefix)], check=True)
    pages = []
    for png in sorted(tmp_path.glob("page-*.png")):
        with Image.open(png) as image:
            pages.append(image.copy())
    return pages


def _scanned(page: Image.Image) -> list[str]:
    """The texts of every QR code on a page image, top to bottom."""
    found = zxingcpp.read_barcodes(page, formats=zxingcpp.BarcodeFormat.QRCode)
    return [r.text for r in sorted(found, key=lambda r: r.position.top_left.y)]


def _printed_by_page(pdf: Path) -> list[list[str]]:
    """Each page's card codes, top to bottom (the two halves of a card count once)."""
    by_page: dict[int, dict[str, float]] = {}
    for w in words(pdf):
        if CODE.fullmatch(w.text) and w.y0 > 60:
            by_page.setdefault(w.page, {}).setdefault(w.text, w.y0)
    return [sorted(codes, key=codes.get) for _, codes in sorted(by_page.items())]


@pytest.mark.parametrize("language", ["nb", "ar"])
def test_every_qr_code_scans_as_the_code_printed_on_its_card(tmp_path, language):
    pdf = _cards(tmp_path, "--laptop", "2", "--count", "7", "--language", language)

    scanned = [_scanned(page) for page in _pages_as_printed(pdf, tmp_path)]

    printed = _printed_by_page(pdf)
    assert [len(codes) for codes in printed] == [5, 2]
    assert scanned == printed
    assert all(validate_code(text) == text for page in scanned for text in page)


def test_every_card_shows_its_code_on_both_halves(tmp_path):
    pdf = _cards(tmp_path, "--laptop", "1", "--count", "12")

    shown = _card_codes(pdf)
    expected = load_study_config(demo_study_dir()).codes.codes(1, count=12)
    assert sorted(shown) == sorted(expected)
    assert set(shown.values()) == {2}  # the participant's half and the tear-off half


def test_every_printed_code_is_valid_and_unique(tmp_path):
    pdf = _cards(tmp_path, "--laptop", "3", "--from", "2500", "--count", "11")

    shown = list(_card_codes(pdf))
    assert len(shown) == 11
    assert all(validate_code(code) == code for code in shown)


def test_two_laptops_print_disjoint_codes(tmp_path):
    first = _cards(tmp_path, "--laptop", "1", "--count", "40", name="one.pdf")
    second = _cards(tmp_path, "--laptop", "2", "--count", "40", name="two.pdf")

    assert set(_card_codes(first)).isdisjoint(_card_codes(second))


def test_the_initials_box_is_only_on_the_tear_off_half(tmp_path):
    pdf = _cards(tmp_path, "--laptop", "1", "--count", "5", "--language", "en")

    labels = [w for w in words(pdf) if w.text == "initials"]
    assert len(labels) == 5
    assert all(w.x0 > MARGIN + KEEP_WIDTH for w in labels)


def test_arabic_cards_carry_arabic_labels_and_latin_codes(tmp_path):
    pdf = _cards(tmp_path, "--laptop", "1", "--count", "2", "--language", "ar")

    text = _text(pdf)
    assert "رمز المشارك" in text and "اقطع هنا" in text
    assert "P-0001-Z" in text


def test_a_range_outside_the_laptops_numbers_is_refused(tmp_path, capsys):
    # Laptop 1 owns 1-1000: printing 995-1004 would hand out laptop 2's first codes.
    out = tmp_path / "cards.pdf"

    assert (
        main(["codes", "--laptop", "1", "--from", "995", "--count", "10", "--out", str(out)]) == 1
    )

    assert "outside that range" in capsys.readouterr().err
    assert not out.exists()


def test_the_code_range_comes_from_study_yaml(tmp_path):
    study = _study(tmp_path, "codes:\n  prefix: RJ\n  first: 100\n  per_laptop: 50\n")

    pdf = _cards(tmp_path, "--study", str(study), "--laptop", "2", "--count", "3")

    assert sorted(_card_codes(pdf)) == sorted(
        validate_code(f"RJ{n}{c}") for n, c in _checked(("0150", "0151", "0152"), "RJ")
    )


def test_a_bad_code_prefix_in_study_yaml_is_reported_with_its_line(tmp_path, capsys):
    study = _study(tmp_path, "codes:\n  prefix: rj1\n")

    assert main(["codes", "--study", str(study), "--laptop", "1", "--out", "x.pdf"]) == 1

    assert "codes.prefix: must be 1-4 capital letters" in capsys.readouterr().err


def _checked(numbers: tuple[str, ...], prefix: str) -> list[tuple[str, str]]:
    from survey_app.answers.codes import check_character

    return [(n, check_character(prefix + n)) for n in numbers]


def _study(tmp_path: Path, extra: str) -> Path:
    folder = tmp_path / "study"
    folder.mkdir()
    text = (demo_study_dir() / "study.yaml").read_text(encoding="utf-8")
    forms = (demo_study_dir() / "../../forms").resolve()
    text = text.replace('forms_dir: "../../forms"', f'forms_dir: "{forms}"')
    text = re.sub(r"\ncodes:\n(?:  .*\n)+", "\n", text)  # the DEMO study's own range
    (folder / "study.yaml").write_text(text + extra, encoding="utf-8")
    return folder
