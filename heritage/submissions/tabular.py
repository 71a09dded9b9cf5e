"""What the readers of server exports share: tables read from CSV and XLSX files, zip archives
unpacked without trusting their member names, and the exports' own shapes of values (a geopoint
split over four columns, a server's timestamp) turned back into the XForm instance's.

Every cell comes out as text, as the phone wrote it: nothing here evaluates a formula, follows a
link or guesses an encoding. A file that cannot be read is one `InvalidInput` naming the file and
the line, and nothing is half-read.
"""

from __future__ import annotations

import csv
import errno
import io
import os
import re
import stat
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

from heritage.errors import InvalidInput

MAX_TEXT = 256 * 1024**2
"""The most a table or an instance XML may hold (256 MiB): ODK Central's export of 100,000 visits
with long notes is a tenth of it."""

MAX_UNPACKED = 16 * 1024**3
"""The most a zip may unpack to (16 GiB): a mission's photos fit; a zip bomb does not."""


BOMB_SIZE, BOMB_RATIO = 64 * 1024**2, 100
"""A member past 64 MiB that unpacks to more than 100 times its packed size is a zip bomb: photos
do not shrink when zipped, and tables and XML shrink some ten times."""


@dataclass(frozen=True)
class Row:
    label: str  # "line 4" (CSV: the line the row starts on), "row 4" (a spreadsheet's row)
    cells: dict[str, str]


@dataclass(frozen=True)
class Sheet:
    shown: str  # how messages name it: "export.csv", "export.xlsx, sheet photos"
    columns: list[str]
    rows: list[Row]
    title: str = ""  # a workbook's sheet name


def read_bytes(path: Path, shown: str, head: int | None = None) -> bytes:
    """A regular file's bytes (its first `head` bytes, if given); a link, pipe or device is refused
    rather than followed or waited on, and a text file past MAX_TEXT rather than read whole into
    memory (which takes several times its size once decoded)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InvalidInput("is not a regular file (a link, pipe or device): it is not read", file=shown) from None
        raise InvalidInput(f"cannot be read: {exc.strerror or exc}", file=shown) from None
    with os.fdopen(fd, "rb") as handle:
        details = os.fstat(fd)
        if not stat.S_ISREG(details.st_mode):
            raise InvalidInput("is not a regular file (a link, pipe or device): it is not read", file=shown)
        if head is not None:
            return handle.read(head)
        if details.st_size > MAX_TEXT:
            raise InvalidInput(
                f"is {details.st_size / 1024**2:,.0f} MiB, more than the {MAX_TEXT // 1024**2} MiB an export's table "
                "or a filled form can be: it is not read (check that it is the export, not another file)",
                file=shown,
            )
        return handle.read()


def decode(data: bytes, shown: str) -> str:
    """Text of an export: UTF-8 (with or without its mark) or UTF-16 with its mark, as Central and
    KoboToolbox write. Anything else was re-saved by a spreadsheet in a local code page: refused
    with the line, rather than read with letters silently changed."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InvalidInput(
            f"is not UTF-8 text (line {line} cannot be decoded): the servers write UTF-8, so the file was "
            "probably re-saved by a spreadsheet; download the export again and give it unchanged",
            file=shown,
        ) from None


def _delimiter(header: str) -> str:
    """KoboToolbox writes `;` by default and quotes every cell; Central writes `,`. Quoted names do
    not count, so a label holding a comma does not mislead."""
    bare = re.sub(r'"[^"]*"', "", header)
    counts = {sep: bare.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def read_csv(path: Path, shown: str) -> Sheet:
    text = decode(read_bytes(path, shown), shown)
    first = text.lstrip("\r\n").split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first), strict=True)
    rows: list[Row] = []
    try:
        header = next((row for row in reader if any(cell.strip() for cell in row)), None)
        if header is None:
            raise InvalidInput("is empty: an export starts with a header line", file=shown)
        columns = _columns(header, shown)
        ended = reader.line_num
        for cells in reader:
            start, ended = ended + 1, reader.line_num
            if any(cell.strip() for cell in cells):
                rows.append(Row(f"line {start}", _cells(columns, cells, f"line {start}", shown)))
    except csv.Error as exc:
        raise InvalidInput(f"is not a readable CSV file (line {reader.line_num}: {exc})", file=shown) from None
    return Sheet(shown, columns, _past_tag_row(rows, columns))


def _columns(header: Sequence[object], shown: str) -> list[str]:
    columns = [cell_text(name).strip() for name in header]
    while columns and not columns[-1]:
        columns.pop()  # a spreadsheet saves formatted empty columns past the last name
    seen: set[str] = set()
    for column in columns:
        if column in seen:
            raise InvalidInput(f"the column {column!r} appears twice in the header", file=shown)
        seen.add(column)
    return columns


def _cells(columns: list[str], cells: Sequence[object], label: str, shown: str) -> dict[str, str]:
    if any(cell_text(cell).strip() for cell in cells[len(columns) :]):
        raise InvalidInput("has more cells than the header has columns", file=shown, record=label)
    values = [cell_text(cell).strip() for cell in cells[: len(columns)]]
    values.extend([""] * (len(columns) - len(values)))
    return dict(zip(columns, values, strict=True))


def _past_tag_row(rows: list[Row], columns: list[str]) -> list[Row]:
    """KoboToolbox puts a row of HXL hashtags (`#affected`) under the header of a form that has
    them: it holds no submission."""
    if rows and all(not value or value.startswith("#") for value in rows[0].cells.values()):
        return rows[1:]
    return rows


def read_xlsx(path: Path, shown: str) -> list[Sheet]:
    """Every sheet of a workbook, in its order. Cells are read as stored: a formula's cached value
    (never the formula run), a number or a date as text."""
    import openpyxl  # only an XLSX export pays for its import

    read_bytes(path, shown, head=0)  # the same refusal of links and devices as any file
    _check_workbook(path, shown)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file; all mean the same here
        raise InvalidInput(f"is not a readable XLSX workbook ({type(exc).__name__})", file=shown) from None
    sheets = []
    try:
        for sheet in book.worksheets:
            name = f"{shown}, sheet {sheet.title}"
            lines = [(number, list(values)) for number, values in enumerate(sheet.iter_rows(values_only=True), 1)]
            filled = [(n, cells) for n, cells in lines if any(cell_text(c).strip() for c in cells)]
            if not filled:
                continue
            columns = _columns(filled[0][1], name)
            rows = [Row(f"row {n}", _cells(columns, cells, f"row {n}", name)) for n, cells in filled[1:]]
            sheets.append(Sheet(name, columns, _past_tag_row(rows, columns), sheet.title))
    finally:
        book.close()
    return sheets


def _check_workbook(path: Path, shown: str) -> None:
    """A workbook is a zip of XML: a bomb in it is refused before it is opened, as in any zip."""
    try:
        with zipfile.ZipFile(path) as bundle:
            parts = bundle.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise InvalidInput(f"is not a readable XLSX workbook ({exc})", file=shown) from None
    for part in parts:
        _check_member(part, set(), shown)
    if sum(part.file_size for part in parts) > MAX_TEXT:
        raise InvalidInput(f"unpacks to more than the {MAX_TEXT // 1024**2} MiB an export can be", file=shown)


def cell_text(value: object) -> str:
    """A spreadsheet cell as the text the phone sent: whole numbers without `.0`, dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime) and value.time() == time(0):
        # A workbook saved with dates as dates gives a date question back as midnight of its day.
        return value.date().isoformat()
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def geopoint(lat: str, lon: str, altitude: str = "", accuracy: str = "") -> str:
    """The four columns of a split geopoint as the instance writes it: "lat lon altitude accuracy".
    An altitude left empty before a given accuracy is written 0, as Collect does without one."""
    if not lat and not lon:
        return ""
    parts = [lat, lon]
    if altitude or accuracy:
        parts.append(altitude or "0")
    if accuracy:
        parts.append(accuracy)
    return " ".join(parts)


def server_time(text: str, shown: str, record: str, field: str) -> datetime | None:
    """A server's timestamp: Central's "2018-04-26T08:58:20.525Z", KoboToolbox's UTC without a
    zone ("2017-10-23T09:41:19")."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        raise InvalidInput(f"{text!r} is not a date and time", file=shown, record=record, field=field) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def unpack(archive: Path, into: Path, shown: str) -> Path:
    """Every member of a zip written under `into`, a folder that must not exist yet. A member whose
    name leaves the folder (`../x`, `/etc/x`, `C:x`), a link, two members of one name, or more than
    MAX_UNPACKED bytes is refused before anything is written."""
    try:
        with zipfile.ZipFile(archive) as bundle:
            members = [m for m in bundle.infolist() if not m.is_dir()]
            names: set[str] = set()
            for member in members:
                _check_member(member, names, shown)
            if sum(m.file_size for m in members) > MAX_UNPACKED:
                raise InvalidInput(f"unpacks to more than {MAX_UNPACKED // 1024**3} GiB: it is not read", file=shown)
            into.mkdir(parents=True)
            for member in members:
                target = into.joinpath(*member.filename.split("/"))
                target.parent.mkdir(parents=True, exist_ok=True)
                with bundle.open(member) as source, open(target, "xb") as sink:
                    while chunk := source.read(1 << 20):
                        sink.write(chunk)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError) as exc:
        raise InvalidInput(f"is not a readable zip archive ({exc})", file=shown) from None
    return into


def _check_member(member: zipfile.ZipInfo, seen: set[str], shown: str) -> None:
    name = member.filename
    parts = name.split("/")
    if name.startswith("/") or "\\" in name or ":" in parts[0] or any(p in ("", ".", "..") for p in parts):
        raise InvalidInput(f"holds a member named {name!r}, which would be written outside the folder", file=shown)
    if member.file_size > BOMB_SIZE and member.file_size > BOMB_RATIO * max(member.compress_size, 1):
        raise InvalidInput(
            f"holds {name!r}, which unpacks to {member.file_size // 1024**2:,} MiB from "
            f"{member.compress_size // 1024:,} KiB: no export packs so tightly; it is not read",
            file=shown,
        )
    if stat.S_ISLNK(member.external_attr >> 16):
        raise InvalidInput(f"holds {name!r} as a link: links in an export are never followed", file=shown)
    folded = name.casefold()
    if folded in seen:
        # Central's own note: names it cleans can collide, and unpacking keeps only one of them.
        raise InvalidInput(
            f"holds two members named {name!r}: which one belongs to which submission cannot be told", file=shown
        )
    seen.add(folded)


def regular_file(path: Path) -> bool:
    """A regular file at `path` itself, not a link to one."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def plain_name(name: str) -> bool:
    """A file name with no folder in it: what a photo answer must be before it is looked up."""
    return bool(name) and name not in (".", "..") and not any(sep in name for sep in ("/", "\\", "\x00"))
