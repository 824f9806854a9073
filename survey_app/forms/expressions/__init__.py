"""The form expression language (an XLSForm/XPath 1.0 subset): parse, evaluate, type-check."""

from survey_app.forms.expressions.evaluate import Context, EvaluationError, evaluate, truth
from survey_app.forms.expressions.functions import FUNCTIONS
from survey_app.forms.expressions.parser import Expression, ExpressionError, parse
from survey_app.forms.expressions.values import EMPTY, Selection, Value

__all__ = [
    "EMPTY",
    "FUNCTIONS",
    "Context",
    "EvaluationError",
    "Expression",
    "ExpressionError",
    "Selection",
    "Value",
    "evaluate",
    "parse",
    "truth",
]
