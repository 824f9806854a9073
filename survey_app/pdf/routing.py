"""Form logic in words for paper: "Answer only if you chose «Other country» in question 3",
"If you chose «No», go to question 12", and the allowed range of a number.

Conditions are described from their syntax tree in each printed language. A condition that has
no plain wording (arithmetic, functions other than selected/not) is printed as a reference to
the questions it depends on, never left out.
"""

from __future__ import annotations

from collections.abc import Mapping

from survey_app.answers.digits import shown_number
from survey_app.answers.messages import format_number
from survey_app.forms.expressions.tree import Binary, Call, Node, Number, Ref, String
from survey_app.forms.expressions.values import to_number
from survey_app.forms.logic import conditions
from survey_app.forms.model import Form, Item, ItemType
from survey_app.i18n import N_, Counted, tr

ANSWER_ONLY_IF = N_("Answer only if {condition}.")
# Counted by how many questions {numbers} lists ("question 4" / "questions 4, 6").
ANSWER_ONLY_AFTER = Counted(
    "Answer only if it applies after your answer to question {numbers}.",
    "Answer only if it applies after your answers to questions {numbers}.",
)
CHOSE = N_("you chose «{option}» in question {number}")
NOT_CHOSE = N_("you did not choose «{option}» in question {number}")
AND = N_("{first} and {second}")
OR = N_("{first} or {second}")
IS = N_("your answer to question {number} is {value}")
IS_NOT = N_("your answer to question {number} is not {value}")
MORE = N_("your answer to question {number} is more than {value}")
AT_LEAST = N_("your answer to question {number} is {value} or more")
LESS = N_("your answer to question {number} is less than {value}")
AT_MOST = N_("your answer to question {number} is {value} or less")
GO_TO = N_("If you chose {options}, go to question {number}.")
PART_ENDS = N_("If you chose {options}, this part ends here.")
RANGE = N_("Write a number from {minimum} to {maximum}.")
OPTION_ONLY_IF = N_("Choose «{option}» only if {condition}.")
OPTION_ONLY_AFTER = Counted(
    "Choose «{option}» only if it fits your answer to question {numbers}.",
    "Choose «{option}» only if it fits your answers to questions {numbers}.",
)

_ORDER = {">": MORE, ">=": AT_LEAST, "<": LESS, "<=": AT_MOST, "=": IS, "!=": IS_NOT}
_FLIP = {">": "<", ">=": "<=", "<": ">", "<=": ">=", "=": "=", "!=": "!="}
MAX_SKIP_OPTIONS = 3


def _literal(node: Node) -> float | None:
    if isinstance(node, Number):
        return node.value
    if isinstance(node, String):
        value = to_number(node.value)
        return None if value != value else value
    return None


def _option_label(item: Item, code: float, language: str) -> str | None:
    if item.scale is None or code != int(code):
        return None
    option = item.scale.option(int(code))
    return option.label.get(language) if option is not None else None


def describe(node: Node, form: Form, numbers: Mapping[str, int], language: str) -> str | None:
    """A condition in words, or None when it has no plain wording."""
    if isinstance(node, Binary) and node.op in ("and", "or"):
        left = describe(node.left, form, numbers, language)
        right = describe(node.right, form, numbers, language)
        if left is None or right is None:
            return None
        phrase = AND if node.op == "and" else OR
        return tr(language, phrase, first=left, second=right)
    if isinstance(node, Call) and node.name == "not" and len(node.args) == 1:
        inner = node.args[0]
        if isinstance(inner, Call) and inner.name == "selected":
            return _choice(inner.args, form, numbers, language, negated=True)
        return None
    if isinstance(node, Call) and node.name == "selected" and len(node.args) == 2:
        return _choice(node.args, form, numbers, language, negated=False)
    if isinstance(node, Binary) and node.op in _ORDER:
        return _comparison(node, form, numbers, language)
    return None


def _choice(
    args: tuple[Node, ...], form: Form, numbers: Mapping[str, int], language: str, negated: bool
) -> str | None:
    ref, literal = args[0], _literal(args[1])
    if not isinstance(ref, Ref) or literal is None or ref.name not in numbers:
        return None
    label = _option_label(form.item(ref.name), literal, language)
    if label is None:
        return None
    return tr(language, NOT_CHOSE if negated else CHOSE, option=label, number=numbers[ref.name])


def _comparison(node: Binary, form: Form, numbers: Mapping[str, int], language: str) -> str | None:
    op, ref, other = node.op, node.left, node.right
    if not isinstance(ref, Ref):
        op, ref, other = _FLIP[op], node.right, node.left
    literal = _literal(other)
    if not isinstance(ref, Ref) or literal is None or ref.name not in numbers:
        return None
    item = form.item(ref.name)
    number = numbers[ref.name]
    if item.type in (ItemType.SINGLE_CHOICE, ItemType.CONSENT) and op in ("=", "!="):
        args = (ref, other)
        return _choice(args, form, numbers, language, negated=op == "!=")
    if item.type in (ItemType.SINGLE_CHOICE, ItemType.MULTIPLE_CHOICE, ItemType.TEXT):
        return None
    # The compared value in the language's digits, like the question number beside it
    # ("١٨" in Arabic, "2,5" in Norwegian).
    value = int(literal) if literal == int(literal) else format_number(literal, language)
    return tr(language, _ORDER[op], number=number, value=value)


def _number_list(numbers: list[int], language: str) -> str:
    """Question numbers as a list in the language's digits and comma ("١، ٣" in Arabic)."""
    comma = "، " if language == "ar" else ", "
    return comma.join(shown_number(n, language) for n in numbers)


def _either(options: list[str], language: str) -> str:
    """Options joined by the language's "or" ("«Syria» or «Eritrea»")."""
    text = options[0]
    for option in options[1:]:
        text = tr(language, OR, first=text, second=option)
    return text


def question_numbers(form: Form) -> dict[str, int]:
    """The printed number of every answerable item (as forms_pdf numbers them)."""
    numbers: dict[str, int] = {}
    for item in form.items:
        if item.answerable:
            numbers[item.id] = len(numbers) + 1
    return numbers


def routing_text(form: Form, item: Item, numbers: Mapping[str, int], language: str) -> str:
    """ "Answer only if ..." for an item asked under conditions ('' when always asked)."""
    chain = conditions(form, item)
    if not chain:
        return ""
    parts = [describe(c.tree, form, numbers, language) for c in chain]
    if all(p is not None for p in parts):
        condition = parts[0]
        for part in parts[1:]:
            condition = tr(language, AND, first=condition, second=part)
        return tr(language, ANSWER_ONLY_IF, condition=condition)
    refs = sorted({numbers[r] for c in chain for r in c.refs if r in numbers})
    listed = _number_list(refs, language)
    return tr(language, ANSWER_ONLY_AFTER, numbers=listed, count=len(refs))


def option_filter_text(
    item: Item, code: int, form: Form, numbers: Mapping[str, int], language: str
) -> str:
    """ "Choose «Aleppo» only if ..." for an option a choice_filter offers under a condition."""
    condition = item.logic.option_condition(code)
    option = item.scale.option(code) if item.scale is not None else None
    if condition is None or option is None:
        return ""
    label = option.label.get(language)
    words = describe(condition.tree, form, numbers, language)
    if words is not None:
        return tr(language, OPTION_ONLY_IF, option=label, condition=words)
    refs = sorted({numbers[r] for r in condition.refs if r in numbers})
    listed = _number_list(refs, language)
    return tr(language, OPTION_ONLY_AFTER, option=label, numbers=listed, count=len(refs))


def _required_codes(node: Node, item_id: str) -> set[int] | None:
    """Codes of `item_id` a condition needs (`${q} = c`, `selected(${q}, c)`, joined by or)."""
    if isinstance(node, Binary) and node.op == "or":
        left, right = _required_codes(node.left, item_id), _required_codes(node.right, item_id)
        return None if left is None or right is None else left | right
    if isinstance(node, Binary) and node.op == "=":
        ref, other = (
            (node.left, node.right) if isinstance(node.left, Ref) else (node.right, node.left)
        )
    elif isinstance(node, Call) and node.name == "selected" and len(node.args) == 2:
        ref, other = node.args
    else:
        return None
    literal = _literal(other)
    if not isinstance(ref, Ref) or ref.name != item_id or literal is None:
        return None
    return {int(literal)} if literal == int(literal) else None


def skip_text(form: Form, item: Item, numbers: Mapping[str, int], language: str) -> str:
    """ "If you chose «No», go to question 12" after a filter question ('' when none)."""
    if item.type not in (ItemType.SINGLE_CHOICE, ItemType.CONSENT) or item.scale is None:
        return ""
    items = list(form.items)
    start = items.index(item) + 1
    needed: set[int] | None = None
    end = start
    # The block of following items asked only for some codes of this item (the same codes).
    while end < len(items):
        chain = conditions(form, items[end])
        codes = [c for c in (_required_codes(x.tree, item.id) for x in chain) if c is not None]
        if not codes or (needed is not None and codes[0] != needed):
            break
        needed = codes[0]
        end += 1
    if needed is None:
        return ""
    skipping = [o for o in item.scale.options if o.code not in needed]
    if not skipping or len(skipping) > MAX_SKIP_OPTIONS:
        return ""
    # "«Syria» or «Eritrea»": a bare comma list reads as if both were needed, and Arabic
    # would need its own comma.
    options = _either([f"«{o.label.get(language)}»" for o in skipping], language)
    following = [i for i in items[end:] if i.answerable]
    if not following:
        return tr(language, PART_ENDS, options=options)
    return tr(language, GO_TO, options=options, number=numbers[following[0].id])


def range_text(item: Item, language: str) -> str:
    """ "Write a number from 18 to 99." for number items with both limits ('' otherwise)."""
    if item.minimum is None or item.maximum is None:
        return ""
    if item.type is ItemType.DECIMAL:  # "0,5" in Norwegian, "٠٫٥" in Arabic
        low, high = (format_number(v, language) for v in (item.minimum, item.maximum))
        return tr(language, RANGE, minimum=low, maximum=high)
    if item.type is not ItemType.INTEGER:
        return ""
    return tr(language, RANGE, minimum=item.minimum, maximum=item.maximum)
