"""Recorded readings of form texts (`audio:` in a form file): reading, hashing and checking.

A form may name a WAV file per text and language (item texts, option labels, instructions), so
participants who read slowly or not at all can listen (docs/reading-support.md). The SHA-256 of
every recording is part of the form's content hash: a changed recording is a new form version.
Recordings are 16-bit PCM WAV, the one format every Qt Multimedia backend plays without codecs;
`check-forms` checks presence, format, length and that every language has its recording.
"""

from __future__ import annotations

import hashlib
import re
import wave
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from survey_app.forms.model import DEFAULT_ADDRESSEE, LANGUAGES, Addressee, Item, LocalText, Scale
from survey_app.forms.sources import NodeReader
from survey_app.forms.yamlsource import Node

MIN_SECONDS = 0.2
MAX_SECONDS = 120.0
MIN_RATE = 8000
MAX_RATE = 48000
# A reading of a long consent text at 48 kHz stereo stays far below this; a larger file is refused
# before it is hashed (it is not a reading of one text).
MAX_FILE_BYTES = 25 * 1024 * 1024
RECORDING_STATUSES = ("validated", "sample")
FILE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\.wav$")


@dataclass(frozen=True)
class Recording:
    """One audio file: where it is (not hashed) and the SHA-256 of its bytes (hashed)."""

    sha256: str
    seconds: float = 0.0
    path: str = ""
    line: int = 0


@dataclass(frozen=True)
class AudioText:
    """The recordings of one text, per language; `variants` per addressee where they differ."""

    recordings: Mapping[str, Recording]
    variants: Mapping[str, Mapping[str, Recording]] = field(default_factory=dict)

    def get(self, language: str, addressee: Addressee | None = None) -> Recording | None:
        """Return the recording for a language and addressee (None when there is none)."""
        by_addressee = self.variants.get(language)
        if by_addressee:
            chosen = by_addressee.get(str(addressee or DEFAULT_ADDRESSEE))
            if chosen is not None:
                return chosen
        return self.recordings.get(language)


@dataclass(frozen=True)
class RecordingInfo:
    """Who read a language's recordings: `validated` (an interpreter) or `sample` (synthetic)."""

    status: str
    recorded_by: str = ""
    note: str = ""


@dataclass(frozen=True)
class FormAudio:
    """Every recording of a form, looked up by what it reads."""

    languages: Mapping[str, RecordingInfo] = field(default_factory=dict)
    instructions: AudioText | None = None
    items: Mapping[str, AudioText] = field(default_factory=dict)
    options: Mapping[str, Mapping[int, AudioText]] = field(default_factory=dict)
    scales: Mapping[str, Mapping[int, AudioText]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.instructions or self.items or self.options or self.scales)

    def item_text(
        self, item: Item, language: str, addressee: Addressee | None = None
    ) -> Recording | None:
        """Return the reading of an item's text, if recorded."""
        audio = self.items.get(item.id)
        return audio.get(language, addressee) if audio else None

    def option_label(
        self, item: Item, code: int, language: str, addressee: Addressee | None = None
    ) -> Recording | None:
        """Return the reading of one option label of an item (its own or its scale's)."""
        audio = self.options.get(item.id, {}).get(code)
        if audio is None and item.scale is not None:
            audio = self.scales.get(item.scale.id, {}).get(code)
        return audio.get(language, addressee) if audio else None


def recording_count(audio: FormAudio | None, language: str) -> int:
    """Return how many texts of a form have a recording in a language."""
    if audio is None:
        return 0
    texts = [audio.instructions] if audio.instructions is not None else []
    texts += list(audio.items.values())
    texts += [
        t for coded in (*audio.options.values(), *audio.scales.values()) for t in coded.values()
    ]
    return sum(1 for t in texts if language in t.recordings)


def audio_folder(form_path: Path, form_id: str, folder: str = "") -> Path:
    """Return the folder a form's recordings are in (default `audio/<form id>` beside it)."""
    return form_path.parent / (folder or f"audio/{form_id}")


def wav_problem(path: Path) -> tuple[str, float]:
    """Return (problem or "", seconds) for a recording file: format and length rules."""
    try:
        size = path.stat().st_size
    except OSError:
        return "the file is missing", 0.0
    if size > MAX_FILE_BYTES:
        return f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB", 0.0
    try:
        with wave.open(str(path), "rb") as wav:
            channels, width, rate, frames = (
                wav.getnchannels(),
                wav.getsampwidth(),
                wav.getframerate(),
                wav.getnframes(),
            )
    except (wave.Error, EOFError, OSError) as exc:
        return f"not a PCM WAV file ({exc})", 0.0
    if width != 2:
        return f"{8 * width}-bit samples; write 16-bit PCM", 0.0
    if channels not in (1, 2):
        return f"{channels} channels; write mono (or stereo)", 0.0
    if not MIN_RATE <= rate <= MAX_RATE:
        return f"sample rate {rate} Hz; write {MIN_RATE}-{MAX_RATE} Hz (16000 is enough)", 0.0
    seconds = frames / rate
    if seconds < MIN_SECONDS:
        return f"only {seconds:.2f} s long (at least {MIN_SECONDS} s)", seconds
    if seconds > MAX_SECONDS:
        return f"{seconds:.0f} s long (at most {MAX_SECONDS:.0f} s per text)", seconds
    return "", seconds


class _AudioReader:
    """Reads the `audio:` section of one form file, recording findings as it goes."""

    def __init__(self, reader: NodeReader, folder: Path) -> None:
        self.reader = reader
        self.sink = reader.sink
        self.folder = folder
        self.languages_used: set[str] = set()

    def recording(self, node: Node, where: str) -> Recording | None:
        name = self.reader.text(node, where)
        if not name:
            return None
        if not FILE_PATTERN.fullmatch(name):
            self.sink.error(
                node.line,
                f"{where}: '{name}' is not a plain file name ending in .wav "
                "(letters, digits, . _ -; no folders)",
            )
            return None
        path = self.folder / name
        problem, seconds = wav_problem(path)
        if problem:
            self.sink.error(node.line, f"{where}: recording '{name}': {problem}")
            if seconds == 0.0:
                return None
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        return Recording(digest, round(seconds, 3), str(path), node.line)

    def audio_text(self, node: Node, where: str, text: LocalText | None) -> AudioText | None:
        if not node.is_map:
            self.sink.error(node.line, f"{where}: expected one recording per language")
            return None
        recordings: dict[str, Recording] = {}
        variants: dict[str, Mapping[str, Recording]] = {}
        for language, child in node.value.items():  # type: ignore[union-attr]
            label = f"{where} [{language}]"
            if language not in LANGUAGES:
                self.sink.error(child.line, f"{where}: unknown language '{language}'")
                continue
            self.languages_used.add(language)
            text_varies = text is not None and text.has_variants(language)
            if child.is_map:
                by_addressee = self._variants(child, label)
                if by_addressee and not text_varies:
                    self.sink.error(
                        child.line,
                        f"{label}: recordings per addressee, but the text has no variants",
                    )
                if by_addressee:
                    variants[language] = MappingProxyType(by_addressee)
                    recordings[language] = by_addressee.get(
                        DEFAULT_ADDRESSEE.value, next(iter(by_addressee.values()))
                    )
                continue
            found = self.recording(child, label)
            if found is None:
                continue
            if text_varies:
                self.sink.warning(
                    child.line,
                    f"{label}: the text differs for a woman and a man but has one recording; "
                    "record each (female: ..., male: ...)",
                )
            recordings[language] = found
        return AudioText(MappingProxyType(recordings), MappingProxyType(variants))

    def _variants(self, node: Node, where: str) -> dict[str, Recording]:
        known = [a.value for a in Addressee]
        out: dict[str, Recording] = {}
        for key, child in node.value.items():  # type: ignore[union-attr]
            if key not in known:
                self.sink.error(child.line, f"{where}: unknown addressee '{key}'")
                continue
            found = self.recording(child, f"{where[:-1]}, {key}]")
            if found is not None:
                out[key] = found
        for key in known:
            if key not in node.value:  # type: ignore[operator]
                self.sink.error(node.line, f"{where}: the {key} recording is missing")
        return out

    def coded(
        self, node: Node, where: str, labels: Mapping[int, LocalText]
    ) -> dict[int, AudioText]:
        out: dict[int, AudioText] = {}
        if not node.is_map:
            self.sink.error(node.line, f"{where}: expected 'code: recordings' lines")
            return out
        for code_text, child in node.value.items():  # type: ignore[union-attr]
            if not re.fullmatch(r"-?[0-9]+", code_text) or int(code_text) not in labels:
                self.sink.error(child.line, f"{where}: no option with code '{code_text}'")
                continue
            code = int(code_text)
            audio = self.audio_text(child, f"{where} option {code}", labels[code])
            if audio is not None:
                out[code] = audio
        return out


_AUDIO_KEYS = {"folder", "languages", "instructions", "items", "scales"}


def read_audio(
    reader: NodeReader,
    node: Node | None,
    form_path: Path,
    form_id: str,
    items: list[Item],
    scales: Mapping[str, Scale],
    instructions: LocalText | None,
) -> FormAudio | None:
    """Read a form's `audio:` section (None when it has none), checking every recording."""
    if node is None:
        return None
    if not reader.keys(node, _AUDIO_KEYS, {"languages"}, "audio"):
        return None
    m: dict[str, Node] = node.value  # type: ignore[assignment]
    folder_name = reader.text(m.get("folder"), "audio folder")
    if folder_name and (Path(folder_name).is_absolute() or ".." in Path(folder_name).parts):
        reader.sink.error(m["folder"].line, "audio folder: give a folder below the form's folder")
        folder_name = ""
    audio = _AudioReader(reader, audio_folder(form_path, form_id, folder_name))
    languages = _read_languages(reader, m.get("languages"))
    by_id = {item.id: item for item in items}
    item_audio: dict[str, AudioText] = {}
    option_audio: dict[str, Mapping[int, AudioText]] = {}
    items_node = m.get("items")
    if items_node is not None and not items_node.is_map:
        reader.sink.error(items_node.line, "audio items: expected a mapping by item id")
    elif items_node is not None:
        for item_id, child in items_node.value.items():  # type: ignore[union-attr]
            where = f"audio item '{item_id}'"
            item = by_id.get(item_id)
            if item is None:
                reader.sink.error(child.line, f"{where}: the form has no such item")
                continue
            if not reader.keys(child, {"text", "options"}, set(), where):
                continue
            parts: dict[str, Node] = child.value  # type: ignore[assignment]
            if "text" in parts:
                found = audio.audio_text(parts["text"], f"{where} text", item.text)
                if found is not None:
                    item_audio[item_id] = found
            if "options" in parts:
                labels = {o.code: o.label for o in item.scale.options} if item.scale else {}
                option_audio[item_id] = MappingProxyType(
                    audio.coded(parts["options"], f"{where}", labels)
                )
    scale_audio: dict[str, Mapping[int, AudioText]] = {}
    scales_node = m.get("scales")
    if scales_node is not None and not scales_node.is_map:
        reader.sink.error(scales_node.line, "audio scales: expected a mapping by scale id")
    elif scales_node is not None:
        for scale_id, child in scales_node.value.items():  # type: ignore[union-attr]
            scale = scales.get(scale_id)
            if scale is None:
                reader.sink.error(
                    child.line, f"audio scale '{scale_id}': the form has no such scale"
                )
                continue
            labels = {o.code: o.label for o in scale.options}
            scale_audio[scale_id] = MappingProxyType(
                audio.coded(child, f"audio scale '{scale_id}'", labels)
            )
    intro = None
    if "instructions" in m:
        intro = audio.audio_text(m["instructions"], "audio instructions", instructions)
    result = FormAudio(
        languages=MappingProxyType(languages),
        instructions=intro,
        items=MappingProxyType(item_audio),
        options=MappingProxyType(option_audio),
        scales=MappingProxyType(scale_audio),
    )
    _check_coverage(reader, m, result, audio.languages_used, languages)
    return result


def _read_languages(reader: NodeReader, node: Node | None) -> dict[str, RecordingInfo]:
    out: dict[str, RecordingInfo] = {}
    if node is None or not node.is_map:
        if node is not None:
            reader.sink.error(node.line, "audio languages: expected a mapping per language")
        return out
    for language, child in node.value.items():  # type: ignore[union-attr]
        where = f"audio languages [{language}]"
        if language not in LANGUAGES:
            reader.sink.error(child.line, f"audio languages: unknown language '{language}'")
            continue
        if not reader.keys(child, {"status", "recorded_by", "note"}, {"status"}, where):
            continue
        fields: dict[str, Node] = child.value  # type: ignore[assignment]
        status = reader.text(fields.get("status"), f"{where} status")
        if status not in RECORDING_STATUSES:
            reader.sink.error(child.line, f"{where}: status must be 'validated' or 'sample'")
            continue
        recorded_by = reader.text(fields.get("recorded_by"), f"{where} recorded_by")
        if status == "validated" and not recorded_by:
            reader.sink.error(
                child.line, f"{where}: validated recordings name who read them (recorded_by)"
            )
        out[language] = RecordingInfo(status, recorded_by, reader.text(fields.get("note"), where))
    return out


def _check_coverage(
    reader: NodeReader,
    m: dict[str, Node],
    audio: FormAudio,
    used: set[str],
    languages: Mapping[str, RecordingInfo],
) -> None:
    """Every language with recordings has its status; every recorded text has every language."""
    for language in sorted(used - languages.keys()):
        reader.sink.error(
            m["languages"].line if "languages" in m else 1,
            f"audio languages: no status for '{language}' (validated or sample)",
        )
    expected = [language for language in LANGUAGES if language in languages]
    texts: list[tuple[str, AudioText]] = []
    if audio.instructions is not None:
        texts.append(("audio instructions", audio.instructions))
    texts += [(f"audio item '{k}' text", v) for k, v in audio.items.items()]
    for owner, kind, coded in [("item", k, v) for k, v in audio.options.items()] + [
        ("scale", k, v) for k, v in audio.scales.items()
    ]:
        texts += [(f"audio {owner} '{kind}' option {code}", v) for code, v in coded.items()]
    for where, text in texts:
        missing = [lang for lang in expected if lang not in text.recordings]
        if missing and text.recordings:
            line = next(iter(text.recordings.values())).line
            reader.sink.warning(
                line,
                f"{where}: no recording in {', '.join(missing)}; participants reading in "
                f"{'that language' if len(missing) == 1 else 'those languages'} get no play button",
            )
