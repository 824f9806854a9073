"""Writing a form file line by line, remembering which spreadsheet row each line came from."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from survey_app.forms.model import LANGUAGES

Origin = tuple[str, int]  # (sheet, row)


def quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


@dataclass
class Emitter:
    """Lines of YAML and, for each, the (sheet, row) it was converted from."""

    lines: list[str] = field(default_factory=list)
    origins: list[Origin] = field(default_factory=list)

    def line(self, text: str, origin: Origin) -> None:
        self.lines.append(text)
        self.origins.append(origin)

    def scalar(self, indent: int, key: str, value: str, origin: Origin) -> None:
        self.line(f"{' ' * indent}{key}: {quoted(value)}", origin)

    def local_text(
        self,
        indent: int,
        key: str,
        texts: Mapping[str, str],
        variants: Mapping[str, Mapping[str, str]],
        origin: Origin,
    ) -> None:
        """`key:` then one line per language; a language with variants as {female, male}."""
        if not texts and not variants:
            return
        self.line(f"{' ' * indent}{key}:", origin)
        for lang in LANGUAGES:
            pad = " " * (indent + 2)
            if variants.get(lang):
                inner = ", ".join(f"{k}: {quoted(v)}" for k, v in sorted(variants[lang].items()))
                self.line(f"{pad}{lang}: {{{inner}}}", origin)
            elif lang in texts:
                self.line(f"{pad}{lang}: {quoted(texts[lang])}", origin)

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"
