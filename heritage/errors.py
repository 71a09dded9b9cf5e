"""Every error the library raises on purpose.

    HeritageError                 base; carries file / record / field when known
    ├── CatalogueNotFound         no catalogue at the given path
    ├── RecordNotFound            an id that is not in the catalogue (also a LookupError)
    ├── RecordExists              appending an id that is already taken
    ├── MissingExtra              a feature whose optional dependency is not installed
    └── InvalidInput              a record, file or value that breaks the rules
        ├── ImportFailed          rows of an import file failed (carries every row's problem)
        └── SpecialFile           a link, pipe, socket or device where a catalogue file should be

The command line turns each into one line of text and an exit code; the library never prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a catalogue, a file or a record."""

    code: str
    message: str
    file: str | None = None
    record: str | None = None
    field: str | None = None
    severity: str = "error"  # or "warning"

    def describe(self) -> str:
        # Rows of an import file are named by line ("line 12 (site-id)"), records by id.
        record = self.record if self.record and self.record.startswith("line ") else f"record {self.record}"
        where = [p for p in (self.file, record if self.record else None) if p]
        if self.field:
            where.append(f"field {self.field}")
        prefix = ": ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message

    def as_dict(self) -> dict[str, str | None]:
        return {
            "severity": self.severity,
            "code": self.code,
            "file": self.file,
            "record": self.record,
            "field": self.field,
            "message": self.message,
        }


class HeritageError(Exception):
    """Base of all heritage errors. `str(error)` is one line naming file, record and field."""

    def __init__(
        self, message: str, *, file: str | Path | None = None, record: object = None, field: str | None = None
    ) -> None:
        self.problem = Problem(
            code=type(self).__name__,
            message=message,
            file=str(file) if file is not None else None,
            # A record's id comes from its file before the model has checked it: it may be a number.
            record=None if record is None else str(record),
            field=field,
        )
        super().__init__(self.problem.describe())


class CatalogueNotFound(HeritageError):
    """No catalogue (no `catalogue.json`) at the path given."""


class RecordNotFound(HeritageError, LookupError):
    """An id not in the catalogue, or not one the audience may see; also a `LookupError`, as
    Python code that looks things up expects."""


class RecordExists(HeritageError):
    pass


class MissingExtra(HeritageError):
    """A feature that needs an optional dependency (an extra) which is not installed."""

    def __init__(self, feature: str, *, extra: str, module: str) -> None:
        self.extra = extra
        super().__init__(
            f"{feature} needs {module}, which is not installed: "
            f"install it with `python3 -m pip install 'heritage[{extra}]'`"
        )


class InvalidInput(HeritageError):
    """A record, file or value that breaks the rules (an unknown audience, a day that is not one)."""


class ImportFailed(InvalidInput):
    def __init__(self, problems: list[Problem], *, rows: int, file: str | Path) -> None:
        self.problems = problems
        super().__init__(f"{rows} row(s) failed; nothing was written", file=file)


class SpecialFile(InvalidInput):
    """A catalogue path that is not a regular file (see `heritage.layout.special`): never opened."""

    def __init__(self, what: str, *, file: str | Path) -> None:
        self.what = what
        super().__init__(special_message(what), file=file)


def special_message(what: str) -> str:
    """The one sentence for a path that is not a regular file, wherever it is found."""
    return (
        f"is {what}, not a regular file or folder: heritage never opens it; "
        "put the file or folder itself in its place, or remove it"
    )
