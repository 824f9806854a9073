"""Right-to-left and left-to-right text set line by line: bidi order, HarfBuzz shaping, wrapping.

Each line is cut into runs of one bidi level (Unicode bidi algorithm, python-bidi's reference
implementation), runs are put in visual order (rule L2), and each run is shaped by HarfBuzz in
its own direction, so Arabic letters join, marks sit on their letters, brackets mirror in
right-to-left runs and numbers keep their left-to-right order.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import uharfbuzz as hb
from bidi import algorithm as uba
from reportlab.pdfbase.ttfonts import ShapeData, ShapedStr

from survey_app.pdf.fonts import FontSet, shaped_font

_FEATURES = {"kern": True, "liga": True}


@dataclass(frozen=True)
class Segment:
    """A piece of one line in one font, ready to draw at its x offset."""

    text: str
    font: str
    size: float
    width: float


@dataclass(frozen=True)
class Line:
    """A line of text in visual order (left to right on the page)."""

    segments: tuple[Segment, ...]
    width: float
    logical: str

    def draw(self, canvas, x: float, y: float) -> None:
        """Draw the line with its left edge at x and baseline at y."""
        for seg in self.segments:
            if seg.text:
                canvas.setFont(seg.font, seg.size)
                canvas.drawString(x, y, seg.text)
            x += seg.width


@dataclass(frozen=True)
class TextStyle:
    """Size, weight and paragraph direction of a block of text."""

    size: float = 10.0
    bold: bool = False
    rtl: bool = False
    leading: float = 1.35

    @property
    def line_height(self) -> float:
        return self.size * self.leading


def _levels(text: str, rtl: bool) -> list[int]:
    storage = uba.get_empty_storage()
    storage["base_level"] = 1 if rtl else 0
    storage["base_dir"] = "R" if rtl else "L"
    uba.get_embedding_levels(text, storage)
    uba.explicit_embed_and_overrides(storage)
    uba.resolve_weak_types(storage, False)
    uba.resolve_neutral_types(storage, False)
    uba.resolve_implicit_levels(storage, False)
    return [c["level"] for c in storage["chars"]]


def _is_arabic(ch: str) -> bool:
    code = ord(ch)
    return 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0x08A0 <= code <= 0x08FF


def _covered(font_name: str, ch: str) -> bool:
    return ord(ch) in shaped_font(font_name).face.charToGlyph


def _font_runs(text: str, rtl_run: bool, fonts: FontSet, bold: bool) -> list[tuple[str, str]]:
    """Split a same-level run into (font, text) pieces in logical order."""
    primary = fonts.pick(arabic=rtl_run, bold=bold)
    secondary = fonts.pick(arabic=not rtl_run, bold=bold)
    pieces: list[tuple[str, str]] = []
    for ch in text:
        if unicodedata.category(ch) in ("Mn", "Me") and pieces:
            font = pieces[-1][0]
        elif _is_arabic(ch):
            font = fonts.pick(arabic=True, bold=bold)
        elif _covered(primary, ch):
            font = primary
        elif _covered(secondary, ch):
            font = secondary
        else:
            font = primary
        if pieces and pieces[-1][0] == font:
            pieces[-1] = (font, pieces[-1][1] + ch)
        else:
            pieces.append((font, ch))
    return pieces


@lru_cache(maxsize=8192)
def _shape(text: str, font_name: str, size: float, rtl: bool) -> Segment:
    """Shape one piece with HarfBuzz in a fixed direction; glyphs come out in visual order."""
    font = shaped_font(font_name)
    hb_font = font.hbFont(size)
    buf = hb.Buffer()
    buf.cluster_level = hb.BufferClusterLevel.MONOTONE_CHARACTERS
    buf.add_codepoints([ord(c) for c in text])
    buf.guess_segment_properties()
    buf.direction = "rtl" if rtl else "ltr"
    hb.shape(hb_font, buf, _FEATURES)
    infos, positions = buf.glyph_infos, buf.glyph_positions
    starts = sorted({info.cluster for info in infos})
    ends = {c: (starts[i + 1] if i + 1 < len(starts) else len(text)) for i, c in enumerate(starts)}
    seen: set[int] = set()
    chars: list[str] = []
    data: list[ShapeData] = []
    width = 0.0
    for info, pos in zip(infos, positions, strict=True):
        cluster = info.cluster
        # One glyph per cluster carries the cluster's characters; any extra glyph maps to nothing.
        source = "" if cluster in seen else text[cluster : ends[cluster]]
        seen.add(cluster)
        code = font.code_for(info.codepoint, source)
        advance = font.pdfScale(pos.x_advance)
        chars.append(chr(code))
        data.append(
            ShapeData(
                cluster,
                advance,
                font.pdfScale(pos.y_advance),
                font.pdfScale(pos.x_offset),
                font.pdfScale(pos.y_offset),
                font.face.charWidths[code],
            )
        )
        width += advance * size / 1000
    return Segment(ShapedStr("".join(chars), shapeData=data), font_name, size, width)


def _visual_runs(
    text: str, levels: list[int], start: int, end: int, base: int
) -> list[tuple[int, int, int]]:
    """Return (start, end, level) runs of a line in visual order (rules L1 and L2)."""
    lv = levels[start:end]
    # L1: trailing white space takes the paragraph level.
    i = len(lv)
    while i > 0 and text[start + i - 1].isspace():
        i -= 1
    runs: list[tuple[int, int, int]] = []
    for k, level in enumerate(lv):
        level = base if k >= i else level
        if runs and runs[-1][2] == level:
            runs[-1] = (runs[-1][0], start + k + 1, level)
        else:
            runs.append((start + k, start + k + 1, level))
    if not runs:
        return runs
    highest = max(r[2] for r in runs)
    lowest_odd = min((r[2] for r in runs if r[2] % 2), default=highest + 1)
    for level in range(highest, lowest_odd - 1, -1):
        out: list[tuple[int, int, int]] = []
        k = 0
        while k < len(runs):
            if runs[k][2] >= level:
                j = k
                while j < len(runs) and runs[j][2] >= level:
                    j += 1
                out.extend(reversed(runs[k:j]))
                k = j
            else:
                out.append(runs[k])
                k += 1
        runs = out
    return runs


class TextSetter:
    """Measures, wraps and shapes text with one font set."""

    def __init__(self, fonts: FontSet) -> None:
        self.fonts = fonts

    def line(self, text: str, style: TextStyle) -> Line:
        """Set text as a single line (no wrapping)."""
        text = unicodedata.normalize("NFC", text)
        return self._set(text, _levels(text, style.rtl), 0, len(text), style)

    def width(self, text: str, style: TextStyle) -> float:
        """Return the width of text set on one line."""
        return self.line(text, style).width

    def wrap(self, text: str, style: TextStyle, max_width: float) -> list[Line]:
        """Break text into lines no wider than max_width (a long word may overflow)."""
        lines: list[Line] = []
        for para in unicodedata.normalize("NFC", text).split("\n"):
            para = " ".join(para.split())
            if not para:
                lines.append(Line((), 0.0, ""))
                continue
            levels = _levels(para, style.rtl)
            words = _word_spans(para)
            start = words[0][0]
            last_end = words[0][1]
            for w_start, w_end in words[1:]:
                candidate = self._set(para, levels, start, w_end, style)
                if candidate.width > max_width:
                    lines.append(self._set(para, levels, start, last_end, style))
                    start = w_start
                last_end = w_end
            lines.append(self._set(para, levels, start, last_end, style))
        return lines

    def _set(self, text: str, levels: list[int], start: int, end: int, style: TextStyle) -> Line:
        base = 1 if style.rtl else 0
        segments: list[Segment] = []
        for r_start, r_end, level in _visual_runs(text, levels, start, end, base):
            rtl = level % 2 == 1
            pieces = _font_runs(text[r_start:r_end], rtl, self.fonts, style.bold)
            if rtl:
                pieces.reverse()
            segments.extend(_shape(piece, font, style.size, rtl) for font, piece in pieces)
        return Line(tuple(segments), sum(s.width for s in segments), text[start:end])


def _word_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(text):
        while i < len(text) and text[i] == " ":
            i += 1
        j = i
        while j < len(text) and text[j] != " ":
            j += 1
        if j > i:
            spans.append((i, j))
        i = j
    return spans
