"""Bundled Noto fonts for reportlab, with text extraction that survives Arabic shaping."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import SUBSETN, TTFont

from survey_app.assets import fonts_dir
from survey_app.errors import UserFacingError

# Private-use code points for glyphs that have no character of their own (contextual forms,
# ligatures, mirrored brackets); reportlab's own allocator starts at U+E000, so stay above it.
_PRIVATE_START = 0xF000
_PRIVATE_END = 0xF8FF


class ShapedTTFont(TTFont):
    """A TrueType font whose shaped glyphs map back to the characters they came from.

    reportlab writes a ToUnicode entry per code it uses. A shaped glyph (a medial beh, a lam-alef
    ligature) has no code of its own, so it gets a private-use code here, and the ToUnicode map
    names the original characters; copying or extracting the text then gives real Arabic.
    """

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename, shapable=True)
        self._private: dict[tuple[int, str], int] = {}
        self._actual: dict[int, str] = {}
        self._next_private = _PRIVATE_START

    def code_for(self, glyph_id: int, text: str) -> int:
        """Return the code to write for a glyph that stands for `text` (allocating if needed)."""
        if len(text) == 1 and self.face.charToGlyph.get(ord(text)) == glyph_id:
            return ord(text)
        key = (glyph_id, text)
        code = self._private.get(key)
        if code is None:
            code = self._next_private
            while code in self.face.charToGlyph:
                code += 1
            if code > _PRIVATE_END:
                raise RuntimeError("too many distinct shaped glyphs for one font")
            self._next_private = code + 1
            self._private[key] = code
            self._actual[code] = text
            self.face.charToGlyph[code] = glyph_id
            self.face.glyphToChar.setdefault(glyph_id, []).append(code)
            self.face.charWidths[code] = self._glyph_width(glyph_id)
        return code

    def _glyph_width(self, glyph_id: int) -> float:
        for code in self.face.glyphToChar.get(glyph_id, ()):
            if code in self.face.charWidths:
                return self.face.charWidths[code]
        font = self.hbFont(1000)
        return self.pdfScale(font.get_glyph_h_advance(glyph_id))

    def addObjects(self, doc) -> None:  # reportlab's name
        """Write the font subsets, then point private codes at their real characters."""
        state = self.state.get(doc)
        subsets = [list(s) for s in state.subsets] if state is not None else []
        super().addObjects(doc)
        for n, subset in enumerate(subsets):
            if not any(code in self._actual for code in subset):
                continue
            base = (b"".join((SUBSETN(n), b"+", self.face.name, self.face.subfontNameX))).decode(
                "pdfdoc"
            )
            stream = doc.idToObject.get("toUnicodeCMap:" + base)
            if stream is not None:
                stream.content = _to_unicode_cmap(base, subset, self._actual)


def _utf16_hex(text: str) -> str:
    return text.encode("utf-16-be").hex().upper() or "200B"


def _to_unicode_cmap(name: str, subset: list[int], actual: dict[int, str]) -> str:
    entries = [
        f"<{i:02X}> <{_utf16_hex(actual.get(code, chr(code)))}>" for i, code in enumerate(subset)
    ]
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            f"/CIDSystemInfo << /Registry ({name}) /Ordering ({name}) /Supplement 0 >> def",
            f"/CMapName /{name} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<00> <{len(subset) - 1:02X}>",
            "endcodespacerange",
            f"{len(entries)} beginbfchar",
            *entries,
            "endbfchar",
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    )


@dataclass(frozen=True)
class FontSet:
    """Registered font names: Latin (Noto Sans) and Arabic (Noto Naskh Arabic), regular and bold."""

    latin: str
    latin_bold: str
    arabic: str
    arabic_bold: str

    def pick(self, *, arabic: bool, bold: bool) -> str:
        """Return the font name for a script and weight."""
        if arabic:
            return self.arabic_bold if bold else self.arabic
        return self.latin_bold if bold else self.latin


_FILES = {
    "latin": "NotoSans-Regular.ttf",
    "latin_bold": "NotoSans-Bold.ttf",
    "arabic": "NotoNaskhArabic-Regular.ttf",
    "arabic_bold": "NotoNaskhArabic-Bold.ttf",
}


def register_fonts(font_dir: Path | None = None) -> FontSet:
    """Register the bundled fonts with reportlab (once per process) and return their names."""
    font_dir = font_dir or fonts_dir()
    names = {}
    for role, filename in _FILES.items():
        name = "SurveyApp-" + filename.removesuffix(".ttf")
        if name not in pdfmetrics.getRegisteredFontNames():
            path = font_dir / filename
            if not path.is_file():
                raise UserFacingError(f"font file missing: {path}")
            pdfmetrics.registerFont(ShapedTTFont(name, str(path)))
        names[role] = name
    return FontSet(**names)


def shaped_font(name: str) -> ShapedTTFont:
    """Return a registered font as a ShapedTTFont."""
    font = pdfmetrics.getFont(name)
    assert isinstance(font, ShapedTTFont)
    return font
