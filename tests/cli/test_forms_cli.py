"""`python main.py forms back-translation template|stamp`: the back-translator's delivery."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_app.cli.main import main
from survey_app.forms.backtranslation import (
    backtranslation_path,
    read_backtranslations,
    render,
    text_stamp,
)
from survey_app.forms.library import inspect_file
from survey_app.forms.loader import read_form
from survey_app.forms.texts import Version
from tests.forms.conftest import VALID_FORM


@pytest.fixture
def form(tmp_path) -> Path:
    path = tmp_path / "mini.yaml"
    path.write_text(VALID_FORM, encoding="utf-8")
    return path


def run(*args: str) -> int:
    return main(["forms", "back-translation", *args])


def deliver(form: Path, language: str, texts: dict[str, str]) -> None:
    """Play the back-translator: fill in `back:` texts by hand, leaving `of:` alone."""
    path = backtranslation_path(form)
    parsed, _, _ = read_form(form)
    backs = read_backtranslations(path)
    for key, back in texts.items():
        backs.get(key, Version(language)).back = back
    path.write_text(render(parsed, backs), encoding="utf-8")


def test_template_lists_every_translated_text_to_fill_in(form, capsys):
    assert run("template", str(form), "--language", "ar", "--by", "back-translator MS") == 0
    backs = read_backtranslations(backtranslation_path(form))
    assert backs.by == {"ar": "back-translator MS"}
    keys = {key for key, version in backs.entries if version.language == "ar"}
    assert "item.mini_01.text" in keys and "scale.freq4.option.4" in keys
    assert all(e.back == "" and e.of == "" for e in backs.entries.values())
    text = backtranslation_path(form).read_text(encoding="utf-8")
    assert "# ar: صداع" in text, "the back-translator sees the translation, not the source"
    assert "Headaches" not in text
    assert "8 empty entries to fill in" in capsys.readouterr().out


def test_stamp_records_the_translation_each_delivered_entry_translates(form, capsys):
    run("template", str(form), "--language", "ar")
    deliver(form, "ar", {"item.mini_01.text": "Headache"})
    assert run("stamp", str(form)) == 0
    entry = read_backtranslations(backtranslation_path(form)).get(
        "item.mini_01.text", Version("ar")
    )
    assert entry.of == text_stamp("صداع")
    assert "stamped item.mini_01.text [ar]" in capsys.readouterr().out


def test_stamp_leaves_a_stale_entry_stale_unless_named(form, capsys):
    run("template", str(form), "--language", "ar")
    deliver(form, "ar", {"item.mini_01.text": "Headache"})
    run("stamp", str(form))
    form.write_text(VALID_FORM.replace('ar: "صداع"', 'ar: "ألم في الرأس"'), encoding="utf-8")
    run("stamp", str(form))
    assert any("stale" in f.message for f in inspect_file(form).findings)
    deliver(form, "ar", {"item.mini_01.text": "Pain in the head"})
    assert run("stamp", str(form), "--key", "item.mini_01.text") == 0
    assert not any("stale" in f.message for f in inspect_file(form).findings)


def test_stamp_without_a_file_says_how_to_start_one(form, capsys):
    assert run("stamp", str(form)) == 1
    err = capsys.readouterr().err
    assert "no mini.backtranslation.yaml" in err and "template mini" in err


def test_stamp_refuses_a_broken_file_and_keeps_it(form, capsys):
    path = backtranslation_path(form)
    broken = 'form: mini\ntexts:\n  title:\n    ar: {back: "Small form", sha: "1"}\n'
    path.write_text(broken, encoding="utf-8")
    assert run("stamp", str(form)) == 1
    assert "nothing was written" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == broken


def test_form_given_by_id_is_found_in_the_forms_folder(form, capsys):
    assert run("template", "mini", "--forms", str(form.parent), "--language", "nb") == 0
    assert backtranslation_path(form).exists()


def test_source_language_cannot_be_back_translated(form, capsys):
    assert run("template", str(form), "--language", "en") == 1
    assert "not the source language" in capsys.readouterr().err
