"""Every interface message of the UI is listed, with nb and ar, for the translation catalogs."""

from __future__ import annotations

import ast
import csv
from pathlib import Path

from survey_app.ui.pages.dashboard import STATUS_MESSAGES

ROOT = Path(__file__).resolve().parents[2]
# Position of the message argument: tr(lang, msgid) but ctx.tr(msgid).
MESSAGE_ARG = {"tr": 1, "_": 0, "ui": 0, "ui_joined": 0, "text_label_joined": 1}


def _used_msgids() -> set[str]:
    found = set(STATUS_MESSAGES.values())
    for path in (ROOT / "survey_app" / "ui").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = getattr(func, "id", None) or getattr(func, "attr", "")
            if name not in MESSAGE_ARG:
                continue
            position = 0 if isinstance(func, ast.Attribute) else MESSAGE_ARG[name]
            if len(node.args) > position:
                arg = node.args[position]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.add(arg.value)
    return found


def _listed() -> dict[str, list[str]]:
    with (ROOT / "docs" / "ui-msgids.tsv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    return {row[0]: row[1:] for row in rows[1:]}


def test_every_ui_message_is_listed_with_norwegian_and_arabic():
    listed = _listed()
    missing = sorted(m for m in _used_msgids() if m and m not in listed)
    assert missing == []


def test_listed_translations_keep_the_placeholders():
    for msgid, (nb, ar) in _listed().items():
        names = sorted(part.split("}")[0] for part in msgid.split("{")[1:])
        for text in (nb, ar):
            assert sorted(part.split("}")[0] for part in text.split("{")[1:]) == names, msgid
