"""Find message keys in Python code for `pybabel extract` (babel.cfg names this extractor).

Babel's own Python extractor reads tokens, and before Python 3.12 an f-string is a single token: the key in
`f"*{t('status.title', lang)}*"` would go missing from the template, and `make translations` would then drop
it from both catalogs. The syntax tree shows every call, inside f-strings too, on every Python version.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

Found = tuple[int, str, tuple[str | None, ...], list[str]]


def extract_keys(
    fileobj: IO[bytes], keywords: Collection[str], comment_tags: Collection[str], options: Mapping[str, Any]
) -> Iterator[Found]:
    """Yield `(line, function, positional arguments, [])` for each call of a keyword; an argument that is not a
    string literal is None, so Babel skips a key chosen at run time (mark those with `N_`)."""
    calls = [node for node in ast.walk(ast.parse(fileobj.read())) if isinstance(node, ast.Call)]
    for call in sorted(calls, key=lambda node: (node.lineno, node.col_offset)):
        name = _name(call.func)
        if name is not None and name in keywords:
            yield call.lineno, name, tuple(_literal(arg) for arg in call.args), []


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else None


def _literal(arg: ast.expr) -> str | None:
    return arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None
