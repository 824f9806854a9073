"""Recorded readings in form files: loaded, hashed into the form version, checked."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest

from survey_app.forms.library import check_file
from survey_app.forms.model import Addressee
from tests.forms.conftest import VALID_FORM

AUDIO = """\
audio:
  languages:
    nb: {status: validated, recorded_by: "AB"}
    en: {status: validated, recorded_by: "AB"}
    ar: {status: validated, recorded_by: "CD"}
  items:
    mini_01:
      text: {nb: mini_01.nb.wav, en: mini_01.en.wav, ar: mini_01.ar.wav}
  scales:
    freq4:
      1: {nb: freq4_1.nb.wav, en: freq4_1.en.wav, ar: freq4_1.ar.wav}
"""
FILES = ("mini_01", "freq4_1")


def write_wav(
    path: Path, seconds: float = 0.5, rate: int = 16000, width: int = 2, tone: int = 1
) -> None:
    """Write a synthetic PCM WAV file (a flat signal; `tone` makes distinct bytes)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(width)
        wav.setframerate(rate)
        wav.writeframes(bytes([tone % 256]) * (int(seconds * rate) * width))


@pytest.fixture
def audio_form(tmp_path: Path):
    """The valid form with recordings of one item text and one scale option in every language."""

    def write(old: str = "", new: str = "", skip: tuple[str, ...] = ()) -> Path:
        text = VALID_FORM + AUDIO
        if old:
            assert old in text, old
            text = text.replace(old, new, 1)
        for name in FILES:
            for language in ("nb", "en", "ar"):
                if f"{name}.{language}.wav" not in skip:
                    write_wav(tmp_path / "audio" / "mini" / f"{name}.{language}.wav")
        path = tmp_path / "mini.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


def messages(findings, severity: str = "error") -> list[str]:
    return [f.message for f in findings if f.severity == severity]


def test_recordings_load_for_item_texts_and_scale_options(audio_form):
    form, findings = check_file(audio_form())
    assert form is not None, messages(findings)
    item = form.item("mini_01")
    assert Path(form.audio.item_text(item, "ar").path).name == "mini_01.ar.wav"
    assert Path(form.audio.option_label(item, 1, "nb").path).name == "freq4_1.nb.wav"
    assert form.audio.option_label(item, 2, "nb") is None


def test_a_changed_recording_is_a_new_form_version(audio_form, tmp_path):
    path = audio_form()
    before, _ = check_file(path)
    write_wav(tmp_path / "audio" / "mini" / "mini_01.ar.wav", tone=7)
    after, _ = check_file(path)
    assert before.content_hash != after.content_hash


def test_a_form_without_recordings_keeps_its_hash_when_recordings_are_possible(write_form):
    from survey_app.forms import fingerprint

    form, _ = check_file(write_form())
    assert form.audio is None
    assert "audio" not in fingerprint._plain(form)


def test_adding_recordings_changes_the_form_version(audio_form, write_form):
    plain, _ = check_file(write_form())
    recorded, _ = check_file(audio_form())
    assert plain.content_hash != recorded.content_hash


def test_a_missing_recording_is_an_error(audio_form):
    form, findings = check_file(audio_form(skip=("mini_01.ar.wav",)))
    assert form is None
    assert any("mini_01.ar.wav': the file is missing" in m for m in messages(findings))


def test_a_recording_that_is_not_pcm_wav_is_an_error(audio_form, tmp_path):
    path = audio_form()
    (tmp_path / "audio" / "mini" / "mini_01.nb.wav").write_bytes(b"OggS" + bytes(200))
    form, findings = check_file(path)
    assert form is None
    assert any("not a PCM WAV file" in m for m in messages(findings))


def test_an_8_bit_recording_is_an_error(audio_form, tmp_path):
    path = audio_form()
    write_wav(tmp_path / "audio" / "mini" / "mini_01.nb.wav", width=1)
    _, findings = check_file(path)
    assert any("8-bit samples" in m for m in messages(findings))


def test_a_too_short_recording_is_an_error(audio_form, tmp_path):
    path = audio_form()
    write_wav(tmp_path / "audio" / "mini" / "mini_01.nb.wav", seconds=0.1)
    _, findings = check_file(path)
    assert any("only 0.10 s long" in m for m in messages(findings))


def test_a_too_long_recording_is_an_error(audio_form, tmp_path):
    path = audio_form()
    write_wav(tmp_path / "audio" / "mini" / "mini_01.nb.wav", seconds=121, rate=8000)
    _, findings = check_file(path)
    assert any("121 s long (at most 120 s" in m for m in messages(findings))


def test_a_text_recorded_in_some_languages_only_is_a_warning(audio_form):
    form, findings = check_file(audio_form("ar: mini_01.ar.wav}", "}", skip=("mini_01.ar.wav",)))
    assert form is not None
    assert any(
        "audio item 'mini_01' text: no recording in ar" in m for m in messages(findings, "warning")
    )


def test_a_recording_of_an_unknown_item_is_an_error(audio_form):
    _, findings = check_file(audio_form("    mini_01:\n", "    mini_99:\n"))
    assert "audio item 'mini_99': the form has no such item" in messages(findings)


def test_a_recording_of_an_unknown_option_code_is_an_error(audio_form):
    _, findings = check_file(audio_form("      1: {nb: freq4_1", "      9: {nb: freq4_1"))
    assert "audio scale 'freq4': no option with code '9'" in messages(findings)


def test_a_file_name_with_a_folder_is_refused(audio_form):
    _, findings = check_file(audio_form("nb: mini_01.nb.wav", "nb: ../mini_01.nb.wav"))
    assert any("is not a plain file name" in m for m in messages(findings))


def test_sample_recordings_are_marked_in_the_language_status(audio_form):
    from survey_app.forms.library import inspect_file

    report = inspect_file(
        audio_form('nb: {status: validated, recorded_by: "AB"}', "nb: {status: sample}")
    )
    described = {s.language: s.describe() for s in report.languages}
    assert "2 SAMPLE recordings (synthetic, not for participants)" in described["nb"]
    assert "2 recordings read by CD" in described["ar"]


def test_validated_recordings_name_who_read_them(audio_form):
    _, findings = check_file(
        audio_form('nb: {status: validated, recorded_by: "AB"}', "nb: {status: validated}")
    )
    assert any("name who read them" in m for m in messages(findings))


def test_recordings_per_addressee_follow_the_text_variants(audio_form, tmp_path):
    from tests.forms.test_variants import VARIANT_TEXT

    path = audio_form(
        "ar: mini_01.ar.wav}", "ar: {female: mini_01-f.ar.wav, male: mini_01.ar.wav}}"
    )
    text = path.read_text(encoding="utf-8").replace('ar: "صداع"', VARIANT_TEXT, 1)
    path.write_text(text, encoding="utf-8")
    write_wav(tmp_path / "audio" / "mini" / "mini_01-f.ar.wav", tone=3)
    form, findings = check_file(path)
    assert form is not None, messages(findings)
    item = form.item("mini_01")
    assert Path(form.audio.item_text(item, "ar", Addressee.FEMALE).path).name == "mini_01-f.ar.wav"
    assert Path(form.audio.item_text(item, "ar").path).name == "mini_01.ar.wav"


def test_one_recording_for_a_text_that_varies_by_addressee_is_a_warning(audio_form):
    from tests.forms.test_variants import VARIANT_TEXT

    path = audio_form()
    text = path.read_text(encoding="utf-8").replace('ar: "صداع"', VARIANT_TEXT, 1)
    path.write_text(text, encoding="utf-8")
    _, findings = check_file(path)
    assert any("has one recording" in m for m in messages(findings, "warning"))
