"""Write docs/api.md, the Python API's reference, from the docstrings and signatures.

    python scripts/write_api_docs.py [--out docs/api.md]

Run it after changing a docstring or signature of `heritage.open` or `heritage.api`:
tests/test_api.py fails while the committed page differs from what the code gives.
"""

from __future__ import annotations

import argparse
import dataclasses
import inspect
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import heritage
from heritage import api, errors
from heritage.atomic import replace_file

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "api.md"
HEAD = """# Python API

Made by `python scripts/write_api_docs.py` from the docstrings of `heritage.open` and
`heritage/api.py`; do not edit by hand. A worked session is in [guide.md](guide.md#from-python).
"""
# What the page documents, in its order: (heading, the object, its methods to list).
ENTRIES: list[tuple[str, Any, tuple[str, ...]]] = [
    ("heritage.open", heritage.open, ()),
    ("heritage.api.CatalogueView", api.CatalogueView, ("sites", "reports", "allegations", "site")),
    ("heritage.api.SiteRecord", api.SiteRecord, ("current", "condition")),
    ("heritage.api.as_day", api.as_day, ()),
]
ERRORS = (errors.CatalogueNotFound, errors.RecordNotFound, errors.InvalidInput)


def signature(function: Callable[..., Any], drop_self: bool = False) -> str:
    """`(name: type = default, ...) -> type`, with the annotations as written in the source."""
    found = inspect.signature(function)
    parameters = list(found.parameters.values())[1 if drop_self else 0 :]
    parts = []
    for parameter in parameters:
        text = parameter.name
        if parameter.annotation is not inspect.Parameter.empty:
            text += f": {parameter.annotation}"
        if parameter.default is not inspect.Parameter.empty:
            text += f" = {parameter.default!r}"
        parts.append(text)
    returns = found.return_annotation
    return f"({', '.join(parts)})" + ("" if returns is inspect.Signature.empty else f" -> {returns}")


def section(heading: str, target: Any, methods: tuple[str, ...]) -> list[str]:
    name = heading.rsplit(".", 1)[1]
    lines = [f"## `{heading}`", ""]
    if inspect.isclass(target):
        lines += [f"```python\nclass {name}\n```", "", inspect.getdoc(target) or "", ""]
        if dataclasses.is_dataclass(target):
            lines += [f"- `{field.name}: {field.type}`" for field in dataclasses.fields(target)] + [""]
        for method in methods:
            function = getattr(target, method)
            lines += [f"### `{name}.{method}`", "", f"```python\n{method}{signature(function, True)}\n```", ""]
            lines += [inspect.getdoc(function) or "", ""]
    else:
        lines += [f"```python\n{heading}{signature(target)}\n```", "", inspect.getdoc(target) or "", ""]
    return lines


def render() -> str:
    """The page, as text."""
    lines = [HEAD, inspect.getdoc(api) or "", ""]
    for heading, target, methods in ENTRIES:
        lines += section(heading, target, methods)
    lines += ["## Errors", "", "All are `heritage.errors.HeritageError`s; `str(error)` names the record or field.", ""]
    lines += [f"- `{error.__name__}`: {inspect.getdoc(error) or ''}".rstrip() for error in ERRORS]
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=PAGE, help="the file to write (default: docs/api.md)")
    args = parser.parse_args(argv)
    text = render().encode("utf-8")
    if not args.out.exists() or args.out.read_bytes() != text:
        replace_file(args.out, text)
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
