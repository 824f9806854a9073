"""Reading the logic keys of items and sections (relevant, required, constraint, calculate...)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from survey_app.forms.expressions import Expression, ExpressionError, parse
from survey_app.forms.model import ItemLogic, ItemType, LocalText, ResultType
from survey_app.forms.sources import NodeReader
from survey_app.forms.yamlsource import Node

LOGIC_KEYS = frozenset(
    {
        "relevant",
        "required",
        "constraint",
        "constraint_message",
        "calculate",
        "result",
        "default",
        "choice_filter",
    }
)
EXPRESSION_KEYS = ("relevant", "required", "constraint", "calculate")


@dataclass(frozen=True)
class ExpressionEntry:
    """One expression with where it stands, for the logic checker."""

    owner: str  # item or section id
    key: str  # relevant | required | constraint | calculate | choice_filter <code>
    expression: Expression
    line: int
    is_section: bool = False


def read_expression(
    reader: NodeReader, node: Node | None, where: str, key: str
) -> Expression | None:
    """Parse one expression value; a per-language mapping is refused (logic is not translated)."""
    if node is None:
        return None
    if node.is_map:
        reader.sink.error(
            node.line,
            f"{where} {key}: an expression belongs to the form, not to a language; "
            "write it once, not per language",
        )
        return None
    text = reader.text(node, f"{where} {key}")
    if not text.strip():
        reader.sink.error(node.line, f"{where} {key}: the expression is empty")
        return None
    try:
        return parse(text)
    except ExpressionError as exc:
        reader.sink.error(node.line, f"{where} {key}: {exc}")
        return None


def read_required(
    reader: NodeReader, node: Node | None, where: str
) -> tuple[bool, Expression | None]:
    """`required: true|false` or a condition; `true()`/`false()` count as the plain values."""
    if node is None:
        return False, None
    if node.is_text and node.value in ("true", "false", "true()", "false()"):
        return str(node.value).startswith("true"), None
    expression = read_expression(reader, node, where, "required")
    return False, expression


def read_item_logic(
    reader: NodeReader,
    m: dict[str, Node],
    where: str,
    item_id: str,
    item_type: ItemType,
    entries: list[ExpressionEntry],
    line: int,
) -> tuple[bool, ItemLogic]:
    """Read an item's logic keys; return (static required, logic) and record expressions."""
    required, required_when = read_required(reader, m.get("required"), where)
    relevant = read_expression(reader, m.get("relevant"), where, "relevant")
    constraint = read_expression(reader, m.get("constraint"), where, "constraint")
    calculate = read_expression(reader, m.get("calculate"), where, "calculate")
    message = None
    if "constraint_message" in m:
        message = reader.local_text(m["constraint_message"], f"{where} constraint_message")
    result = _result(reader, m.get("result"), where)
    default = reader.text(m["default"], f"{where} default") if "default" in m else None
    _check_shape(reader, m, where, item_type, constraint, message, line)
    choice_filter = _choice_filter(reader, m.get("choice_filter"), where, item_type)
    for code, expression in choice_filter or ():
        entry_line = m["choice_filter"].value[str(code)].line  # type: ignore[index,union-attr]
        entries.append(ExpressionEntry(item_id, f"choice_filter {code}", expression, entry_line))
    logic = ItemLogic(
        relevant=relevant,
        required=required_when,
        constraint=constraint,
        constraint_message=message,
        calculate=calculate,
        result=result if item_type is ItemType.CALCULATE else None,
        default=default,
        choice_filter=choice_filter,
    )
    for key, expression in (
        ("relevant", relevant),
        ("required", required_when),
        ("constraint", constraint),
        ("calculate", calculate),
    ):
        if expression is not None:
            entries.append(ExpressionEntry(item_id, key, expression, m[key].line))
    return required, logic


def _choice_filter(
    reader: NodeReader, node: Node | None, where: str, item_type: ItemType
) -> tuple[tuple[int, Expression], ...] | None:
    """`choice_filter: {code: condition}` of a single or multiple choice item."""
    if node is None:
        return None
    if item_type not in (ItemType.SINGLE_CHOICE, ItemType.MULTIPLE_CHOICE):
        reader.sink.error(node.line, f"{where}: only choice items take 'choice_filter'")
        return None
    if not node.is_map:
        reader.sink.error(
            node.line, f"{where} choice_filter: write one 'code: condition' line per option"
        )
        return None
    pairs: list[tuple[int, Expression]] = []
    for code_text, value in node.value.items():  # type: ignore[union-attr]
        if not re.fullmatch(r"-?[0-9]+", code_text):
            reader.sink.error(
                value.line, f"{where} choice_filter: option code '{code_text}' is not a number"
            )
            continue
        expression = read_expression(reader, value, where, f"choice_filter {code_text}")
        if expression is not None:
            pairs.append((int(code_text), expression))
    return tuple(pairs) or None


def _result(reader: NodeReader, node: Node | None, where: str) -> ResultType:
    if node is None:
        return ResultType.NUMBER
    text = reader.text(node, f"{where} result")
    try:
        return ResultType(text)
    except ValueError:
        known = ", ".join(r.value for r in ResultType)
        reader.sink.error(node.line, f"{where}: unknown result '{text}' (known: {known})")
        return ResultType.NUMBER


def _check_shape(
    reader: NodeReader,
    m: dict[str, Node],
    where: str,
    item_type: ItemType,
    constraint: Expression | None,
    message: LocalText | None,
    line: int,
) -> None:
    sink = reader.sink
    if item_type is ItemType.CALCULATE:
        if "calculate" not in m:
            sink.error(line, f"{where}: a calculate item needs 'calculate: <expression>'")
        for key in ("constraint", "constraint_message", "required", "default", "allow_decline"):
            if key in m:
                sink.error(m[key].line, f"{where}: a calculate item takes no '{key}'")
        return
    if "calculate" in m:
        sink.error(m["calculate"].line, f"{where}: only items of type calculate take 'calculate'")
    if "result" in m:
        sink.error(m["result"].line, f"{where}: only items of type calculate take 'result'")
    if item_type is ItemType.NOTE:
        for key in ("constraint", "constraint_message", "default"):
            if key in m:
                sink.error(m[key].line, f"{where}: a note takes no '{key}'")
        return
    if constraint is not None and message is None and "constraint_message" not in m:
        sink.error(
            m["constraint"].line,
            f"{where}: a constraint needs a constraint_message in every language "
            "(the participant must be told why the answer is refused)",
        )
    if "constraint_message" in m and "constraint" not in m:
        sink.error(
            m["constraint_message"].line, f"{where}: constraint_message without a constraint"
        )
