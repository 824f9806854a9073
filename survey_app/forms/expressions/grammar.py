"""The grammar of form expressions (an XLSForm/XPath subset), in Lark's EBNF notation.

Precedence, loosest first: `or`, `and`, `= !=`, `< <= > >=`, `+ -`, `* div mod`, unary `-`.
Binary operators associate to the left, as in XPath 1.0. Function names may contain hyphens
(`count-selected`), so a bare name is only valid directly before `(`.
"""

from __future__ import annotations

GRAMMAR = r"""
?start: or_expr

?or_expr: and_expr
        | or_expr OR and_expr              -> binary

?and_expr: eq_expr
         | and_expr AND eq_expr            -> binary

?eq_expr: rel_expr
        | eq_expr EQ_OP rel_expr           -> binary

?rel_expr: add_expr
         | rel_expr REL_OP add_expr        -> binary

?add_expr: mul_expr
         | add_expr PLUS mul_expr          -> binary
         | add_expr MINUS mul_expr         -> binary

?mul_expr: unary
         | mul_expr MUL_OP unary           -> binary

?unary: primary
      | MINUS unary                        -> negate

?primary: NUMBER                           -> number
        | STRING                           -> string
        | REF                              -> ref
        | DOT                              -> current
        | FUNC "(" [arguments] ")"         -> call
        | "(" or_expr ")"

arguments: or_expr ("," or_expr)*

OR.2: /or\b/
AND.2: /and\b/
MUL_OP.2: "*" | /div\b/ | /mod\b/
EQ_OP: "!=" | "="
REL_OP: "<=" | ">=" | "<" | ">"
PLUS: "+"
MINUS: "-"
NUMBER: /[0-9]+(\.[0-9]*)?|\.[0-9]+/
STRING: /'[^']*'/ | /"[^"]*"/
REF: /\$\{[^}]*\}/
DOT.0: "."
FUNC: /[A-Za-z_][A-Za-z0-9_-]*(?=\s*\()/

%import common.WS
%ignore WS
"""
