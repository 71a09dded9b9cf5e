"""Reading and appending the catalogue on disk. Appends never load the whole catalogue."""

from __future__ import annotations

import functools
import json
import os
import re
import time
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from heritage import journal, layout
from heritage.atomic import create_file
from heritage.codec import JCS, encode, from_document, loads
from heritage.errors import CatalogueNotFound, InvalidInput, RecordExists, RecordNotFound, SpecialFile
from heritage.history import corrections
from heritage.models import (
    Allegation,
    CatalogueInfo,
    ConditionReport,
    CustodyEvent,
    Evidence,
    Retraction,
    Review,
    Site,
    Source,
    SubjectKind,
    Verification,
)
from heritage.models.base import AHEAD
from heritage.models.types import ID_PATTERN
from heritage.plain_errors import plain_messages
from heritage.sanity import inside_somehow, region_problem

M = TypeVar("M", bound=BaseModel)

CATALOGUE_README = """\
# {name}

A catalogue of heritage sites kept with the `heritage` tool. Plain text, one record per file,
never rewritten: a correction is a new record.

    catalogue.json                       name, region, parties, extra vocabulary
    sites/<site-id>.geojson              one GeoJSON Feature per site (opens in QGIS)
    sources/<source-id>.json             documents and media that statements cite
    reports/<site-id>/<report-id>.json   condition reports, grouped by site
    retractions/<site-id>/<id>.json      withdrawals of reports (the report itself stays)
    allegations/<allegation-id>.json     claims made by parties
    reviews/<allegation-id>/<id>.json    reviews of an allegation: its status moves only through them
    evidence/<aa>/<sha256>[.json]        evidence files, named by the SHA-256 of their bytes, and their records
    custody/<sha256>/<id>.json           each later change of hands of an evidence file: its chain of custody
    verifications/<id>.json              how a source, file, report or allegation was checked, step by step
    .heritage/                           heritage's index of the files, to stay quick; ignored by git, safe to delete

Check it with `heritage validate` and `heritage verify`; add to it with `heritage site add`, `heritage source add`,
`heritage report add`, `heritage allegation add` or `heritage import`.
"""


def validation_messages(error: ValidationError) -> list[tuple[str, str]]:
    """(field, message) for each problem, in plain English: no pydantic wording reaches a user
    (see `heritage.plain_errors`)."""
    return plain_messages(error)


class DuplicateKey(ValueError):
    pass


def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """json.loads hook: a key given twice is an error, not 'the last one wins'."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise DuplicateKey(f"the key {key!r} appears twice in one object")
        result[key] = value
    return result


def read_fast(model: type[M], data: bytes, context: dict[str, Any]) -> M | None:
    """The quick path for reading many stored records: pydantic parses the JSON itself. It does
    not see a key given twice (the last wins), so `validate` uses `parse_record` instead. None if
    the record does not parse: the caller then asks `parse_record` for a precise error."""
    try:
        if model is Site:
            return from_document(model, loads(data), context)
        return model.model_validate_json(data, context=context)
    except ValueError:
        return None


_KEY = re.compile(rb'"\s*:')
_SPACED_KEY = re.compile(rb'"\s+:')


def _colons_after_quotes(data: bytes) -> int:
    """How many times a quote is followed by a colon, with or without space between: each key once,
    and any such pair inside a string value besides."""
    if _SPACED_KEY.search(data) is None:  # as heritage writes them, and as most tools do
        return data.count(b'":')
    return len(_KEY.findall(data))


def _key_count(value: Any) -> int:
    count, stack = 0, [value]
    while stack:
        item = stack.pop()
        if type(item) is dict:
            count += len(item)
            stack += [v for v in item.values() if type(v) is dict or type(v) is list]
        elif type(item) is list:
            stack += [v for v in item if type(v) is dict or type(v) is list]
    return count


def read_unique(model: type[M], data: bytes, context: dict[str, Any]) -> M | None:
    """`read_fast` that also refuses a key given twice, cheaply when there is none: every key is a
    string followed by a colon, so if the text holds no more `"<space>:` than the objects read
    have keys, no key was dropped. None when in doubt or invalid: `parse_record` then decides,
    and names the problem."""
    try:
        if model is Site:  # a GeoJSON Feature: its properties are lifted out before they are checked
            raw = loads(data.decode("utf-8"))
            return from_document(model, raw, context) if _key_count(raw) == _colons_after_quotes(data) else None
        # pydantic parses the JSON itself: quicker than json.loads and then validating the dict.
        record = model.model_validate_json(data, context=context)
    except ValueError:
        return None
    return record if _keys_given(record) == _colons_after_quotes(data) else None


def _keys_given(record: BaseModel) -> int:
    """How many keys the JSON objects a record was read from held, counted on the models made of
    them: each model's fields given (its models refuse unknown keys, and none adds a field before
    it is checked: see the test that says so), and each mapping's keys. Only the fields that can
    hold an object are looked into."""
    given = record.model_fields_set
    count = len(given)
    for name in _holding_objects(type(record)) & given:
        count += _keys_in(getattr(record, name))
    return count


def _keys_in(value: Any) -> int:
    if isinstance(value, BaseModel):
        return _keys_given(value)
    if type(value) is list or type(value) is tuple:
        return sum(_keys_in(item) for item in value)
    if type(value) is dict:
        return len(value) + sum(_keys_in(item) for item in value.values())
    return 0


@functools.cache
def _holding_objects(model: type[BaseModel]) -> frozenset[str]:
    """A model's fields whose type can hold a JSON object: a model or a mapping, at any depth."""

    def holds(annotation: Any) -> bool:
        if isinstance(annotation, type) and issubclass(annotation, (BaseModel, dict)):
            return True
        return typing.get_origin(annotation) is dict or any(holds(arg) for arg in typing.get_args(annotation))

    return frozenset(name for name, field in model.model_fields.items() if holds(field.annotation))


def parse_record(model: type[M], data: bytes, *, file: Path | str, context: dict[str, Any]) -> M:
    """Decode one file or one JSON text; a failure names the file, the record and the field."""
    record_id = None
    try:
        raw = loads(data.decode("utf-8"), object_pairs_hook=unique_keys)
        if isinstance(raw, dict) and isinstance(raw.get("id"), str):
            record_id = raw["id"]
        return from_document(model, raw, context)
    except UnicodeDecodeError:
        raise InvalidInput("is not UTF-8 text", file=file) from None
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"is not valid JSON ({exc.msg}, line {exc.lineno})", file=file) from None
    except ValidationError as exc:
        field, message = validation_messages(exc)[0]
        more = len(exc.errors())
        suffix = f" (and {more - 1} more problem(s); run heritage validate)" if more > 1 else ""
        raise InvalidInput(message + suffix, file=file, record=record_id, field=field) from None
    except ValueError as exc:
        raise InvalidInput(str(exc), file=file, record=record_id) from None


def read_whole(path: Path | str, shown: str | None = None) -> bytes:
    """A regular file's bytes with a few system calls: `Path.read_bytes` and its buffered file
    cost a quarter of the time spent on each of a million records at their first reading. A link,
    pipe or device is refused (`layout.open_regular_fd`), never read."""
    fd = layout.open_regular_fd(path, shown)
    try:
        parts = []
        while chunk := os.read(fd, 1 << 16):  # a record is a few kB: one read, as a rule
            parts.append(chunk)
        return b"".join(parts)
    finally:
        os.close(fd)


def find_root(start: Path) -> Path | None:
    if layout.regular_file(layout.catalogue_file(start)):
        return start
    return None


class Catalogue:
    """A catalogue folder. Cheap to open: nothing but `catalogue.json` is read until asked."""

    def __init__(self, root: Path, info: CatalogueInfo, clock: Callable[[], int] = time.time_ns) -> None:
        self.root = root
        self.info = info
        self.context: dict[str, Any] = {"vocabulary": info.vocabulary()}
        # The time in nanoseconds, as the index judges whether a file changed too recently to
        # trust its times (see heritage.scan.trusted). Tests set their own clock here.
        self.clock = clock
        # What opening it settled: imports that a killed process left half done (see `heritage.journal`).
        self.recovered: list[str] = []

    @classmethod
    def open(cls, root: Path | str) -> Catalogue:
        root = Path(root)
        path = layout.catalogue_file(root)
        if not path.exists() and not path.is_symlink():
            raise CatalogueNotFound(
                f"no catalogue here ({layout.CATALOGUE_FILE} not found); create one with "
                "'heritage init PATH', or point to one with --catalogue or HERITAGE_CATALOGUE",
                file=root,
            )
        try:
            data = read_whole(path)
        except OSError as exc:
            raise InvalidInput(f"cannot be read ({exc.strerror})", file=path) from None
        info = parse_record(CatalogueInfo, data, file=path, context={})
        catalogue = cls(root, info)
        try:
            catalogue.recovered = journal.recover(root)
        except OSError as error:  # a copy that cannot be written to: say so in validate, read on
            catalogue.recovered = [f"an interrupted import could not be settled ({error.strerror})"]
        return catalogue

    @classmethod
    def create(cls, root: Path | str, info: CatalogueInfo) -> Catalogue:
        root = Path(root)
        if layout.catalogue_file(root).exists():
            raise InvalidInput("a catalogue already exists here", file=layout.catalogue_file(root))
        root.mkdir(parents=True, exist_ok=True)
        for folder in layout.INIT_FOLDERS:
            (root / folder).mkdir(exist_ok=True)
            (root / folder / ".gitkeep").touch()
        readme = root / "README.md"
        if not readme.exists():
            create_file(readme, CATALOGUE_README.format(name=info.name).encode("utf-8"))
        if info.seal is None:  # a new catalogue's records are sealed by RFC 8785 from the start
            info = info.model_copy(update={"seal": JCS})
        create_file(layout.catalogue_file(root), encode(info))
        return cls(root, info)

    def display(self, path: Path | str) -> str:
        return layout.relative(self.root, Path(path))

    def read(
        self, model: type[M], path: Path | str, strict: bool = False, ahead: list[tuple[str, str]] | None = None
    ) -> M:
        """One stored record. `strict` also refuses keys given twice (`validate` uses it). Dates
        from the future do not make a stored record unreadable: they are added to `ahead` as
        (field, message) if it is given (see `heritage.models.base.from_future`)."""
        try:
            data = read_whole(path)
        except SpecialFile as exc:  # named as the catalogue shows it; worked out only when needed
            raise SpecialFile(exc.what, file=self.display(path)) from None
        except OSError as exc:
            raise InvalidInput(f"cannot be read ({exc.strerror})", file=self.display(path)) from None
        context = {**self.context, AHEAD: [] if ahead is None else ahead}
        quick = read_unique(model, data, context) if strict else read_fast(model, data, context)
        if quick is not None:
            return quick
        if ahead is not None:
            ahead.clear()  # read again below, noting the same dates again
        return parse_record(model, data, file=self.display(path), context=context)

    # -- one record ------------------------------------------------------------------------

    def site(self, site_id: str) -> Site:
        path = layout.site_file(self.root, site_id)
        if not _safe_id(site_id) or not layout.regular_file(path):
            raise RecordNotFound("no such site", record=site_id)
        return self.read(Site, path)

    def source(self, source_id: str) -> Source:
        path = layout.source_file(self.root, source_id)
        if not _safe_id(source_id) or not layout.regular_file(path):
            raise RecordNotFound("no such source", record=source_id)
        return self.read(Source, path)

    def has_site(self, site_id: str) -> bool:
        # A text path: an import asks this for every site id it makes (see heritage.ids.free_id).
        return _safe_id(site_id) and layout.regular_file(f"{self.root}/{layout.SITES}/{site_id}{layout.SITE_SUFFIX}")

    def has_source(self, source_id: str) -> bool:
        # A text path: an import asks this for every source every row cites.
        return _safe_id(source_id) and layout.regular_file(
            f"{self.root}/{layout.SOURCES}/{source_id}{layout.RECORD_SUFFIX}"
        )

    def has_report(self, site_id: str, report_id: str) -> bool:
        return (
            _safe_id(site_id)
            and _safe_id(report_id)
            and layout.regular_file(layout.report_file(self.root, site_id, report_id))
        )

    def report_id_taken(self, report_id: str) -> bool:
        """Whether any site has a report with this id. Lists every site's folder: use it for ids a
        person chose, not for the fresh random ones (which cannot collide)."""
        if not _safe_id(report_id):
            return False
        return any(
            layout.regular_file(folder / f"{report_id}{layout.RECORD_SUFFIX}")
            for folder in (self.root / layout.REPORTS).glob("*/")
        )

    def superseded_by(self, site_id: str, report_id: str) -> list[str]:
        """The reports of the site, not themselves retracted, that correct `report_id`."""
        retracted = {r.retracts for r in self.retractions(site_id)}
        return corrections(self.reports(site_id), retracted).get(report_id, [])

    def has_allegation(self, allegation_id: str) -> bool:
        return _safe_id(allegation_id) and layout.regular_file(layout.allegation_file(self.root, allegation_id))

    # -- all records -----------------------------------------------------------------------

    def sites(self) -> Iterator[Site]:
        for path in layout.site_files(self.root):
            yield self.read(Site, path)

    def sources(self) -> Iterator[Source]:
        for path in layout.source_files(self.root):
            yield self.read(Source, path)

    def reports(self, site_id: str | None = None) -> Iterator[ConditionReport]:
        for path in layout.report_files(self.root, site_id):
            yield self.read(ConditionReport, path)

    def retractions(self, site_id: str | None = None) -> Iterator[Retraction]:
        for path in layout.retraction_files(self.root, site_id):
            yield self.read(Retraction, path)

    def find_report(self, report_id: str) -> ConditionReport:
        """A report by its id alone (walks the sites' folders: for commands a person types)."""
        if _safe_id(report_id):
            for path in (self.root / layout.REPORTS).glob(f"*/{report_id}{layout.RECORD_SUFFIX}"):
                if layout.special(path.parent) is None:  # a linked site folder is not read
                    return self.read(ConditionReport, path)
        raise RecordNotFound("no such report", record=report_id)

    def reviews(self, allegation_id: str | None = None) -> Iterator[Review]:
        for path in layout.review_files(self.root, allegation_id):
            yield self.read(Review, path)

    def allegations(self) -> Iterator[Allegation]:
        for path in layout.allegation_files(self.root):
            yield self.read(Allegation, path)

    def verifications(self) -> Iterator[Verification]:
        for path in layout.verification_files(self.root):
            yield self.read(Verification, path)

    def verification(self, verification_id: str) -> Verification:
        path = layout.verification_file(self.root, verification_id)
        if not _safe_id(verification_id) or not layout.regular_file(path):
            raise RecordNotFound("no such verification", record=verification_id)
        return self.read(Verification, path)

    def has_verification(self, verification_id: str) -> bool:
        return _safe_id(verification_id) and layout.regular_file(layout.verification_file(self.root, verification_id))

    def has_subject(self, kind: SubjectKind, subject: str) -> bool:
        """Whether the record a verification checks is in the catalogue (an evidence file by its SHA-256)."""
        if kind is SubjectKind.source:
            return self.has_source(subject)
        if kind is SubjectKind.evidence:
            return self.has_evidence(subject)
        if kind is SubjectKind.report:
            return self.report_id_taken(subject)
        return self.has_allegation(subject)

    # -- appends ---------------------------------------------------------------------------

    def append_file(self, path: Path, data: bytes, record: str | None = None) -> None:
        """Add one record file; never replaces one. Holds the write lock shared, so that it never
        lands in the middle of an import's move (see `heritage.journal`)."""
        with journal.shared(self.root):
            create_file(path, data, record=record)

    def add_site(self, site: Site, *, anywhere: bool = False) -> Path:
        """Append a site. One outside the catalogue's region is added (the caller warns and names
        the fix, `heritage.settings`); one whose coordinates look swapped or of the wrong sign is
        refused unless `anywhere`: that is a typing slip far more often than a site abroad."""
        if site.geometry is not None and self.info.region is not None and not anywhere:
            problem = region_problem(site.geometry, self.info.region)
            if problem and inside_somehow(site.geometry, self.info.region):  # swapped, or a sign flipped
                fix = "; if they are right, give --grow-region"
                raise InvalidInput(problem + fix, record=site.id, field="geometry")
        for number, dispute in enumerate(site.disputes):
            self._check_sources(site.id, dispute.sources, f"disputes[{number}].sources")
        path = layout.site_file(self.root, site.id)
        self.append_file(path, encode(site, self.info.seal_scheme), site.id)
        return path

    def add_source(self, source: Source) -> Path:
        self._check_parties(source.id, [source.party] if source.party else [], "party")
        path = layout.source_file(self.root, source.id)
        self.append_file(path, encode(source, self.info.seal_scheme), source.id)
        return path

    def add_report(self, report: ConditionReport, *, chosen_id: bool = False) -> Path:
        """Append a report. `chosen_id`: the id came from a person, so check that no other site
        already uses it (fresh random ids skip that walk over every site's folder)."""
        if not self.has_site(report.site):
            raise InvalidInput(f"unknown site {report.site!r}", record=report.id, field="site")
        self._check_sources(report.id, [c.source for c in report.sources], "sources")
        if report.supersedes is not None:
            if not self.has_report(report.site, report.supersedes):
                raise InvalidInput(
                    f"supersedes {report.supersedes!r}, which is not a report of site {report.site!r}",
                    record=report.id,
                    field="supersedes",
                )
            if corrections := self.superseded_by(report.site, report.supersedes):
                raise InvalidInput(
                    f"{report.supersedes!r} is already superseded by {corrections[0]!r}; supersede that one instead",
                    record=report.id,
                    field="supersedes",
                )
        self._check_evidence(report.id, report.evidence)
        if chosen_id and self.report_id_taken(report.id):
            raise RecordExists("a report with this id already exists", record=report.id)
        path = layout.report_file(self.root, report.site, report.id)
        self.append_file(path, encode(report, self.info.seal_scheme), report.id)
        return path

    def add_retraction(self, retraction: Retraction) -> Path:
        if not self.has_report(retraction.site, retraction.retracts):
            raise InvalidInput(
                f"retracts {retraction.retracts!r}, which is not a report of site {retraction.site!r}",
                record=retraction.id,
                field="retracts",
            )
        if any(r.retracts == retraction.retracts for r in self.retractions(retraction.site)):
            raise InvalidInput(f"{retraction.retracts!r} is already retracted", record=retraction.id, field="retracts")
        path = layout.retraction_file(self.root, retraction.site, retraction.id)
        self.append_file(path, encode(retraction, self.info.seal_scheme), retraction.id)
        return path

    def add_review(self, review: Review) -> Path:
        if not self.has_allegation(review.allegation):
            raise RecordNotFound("no such allegation", record=review.allegation)
        for number, ref in enumerate(review.relies_on):
            known = self.has_source(ref) or self.has_allegation(ref) or self.has_evidence_id(ref)
            if not known and not self.has_verification(ref) and not self.report_id_taken(ref):
                raise InvalidInput(
                    f"relies on {ref!r}, which is no report, source, allegation, evidence or verification "
                    "of this catalogue",
                    record=review.id,
                    field=f"relies_on[{number}]",
                )
        path = layout.review_file(self.root, review.allegation, review.id)
        self.append_file(path, encode(review, self.info.seal_scheme), review.id)
        return path

    def add_allegation(self, allegation: Allegation) -> Path:
        for number, site_id in enumerate(allegation.sites):
            if not self.has_site(site_id):
                raise InvalidInput(f"unknown site {site_id!r}", record=allegation.id, field=f"sites[{number}]")
        self._check_sources(allegation.id, [allegation.source.source], "source.source")
        if allegation.claimant.party:
            self._check_parties(allegation.id, [allegation.claimant.party], "claimant.party")
        if allegation.alleged_perpetrator and allegation.alleged_perpetrator.party:
            self._check_parties(allegation.id, [allegation.alleged_perpetrator.party], "alleged_perpetrator.party")
        if allegation.area is not None and self.info.region is not None:
            if problem := region_problem(allegation.area, self.info.region):
                raise InvalidInput(problem.replace("coordinates", "area centre", 1), record=allegation.id, field="area")
        self._check_evidence(allegation.id, allegation.evidence)
        if allegation.responds_to and not self.has_allegation(allegation.responds_to):
            raise InvalidInput(
                f"responds to unknown allegation {allegation.responds_to!r}", record=allegation.id, field="responds_to"
            )
        path = layout.allegation_file(self.root, allegation.id)
        self.append_file(path, encode(allegation, self.info.seal_scheme), allegation.id)
        return path

    def custody_events(self, sha256: str | None = None) -> Iterator[CustodyEvent]:
        """The custody events of one evidence file (of every file, if none is given), in file order."""
        if sha256 is not None and not re.fullmatch(r"[0-9a-f]{64}", sha256):
            return
        for path in layout.custody_files(self.root, sha256):
            yield self.read(CustodyEvent, path)

    def add_custody_event(self, event: CustodyEvent) -> Path:
        """Append an event to an evidence file's chain: only of a file the catalogue holds, bytes
        and record both."""
        if not self.has_evidence(event.evidence) or not layout.regular_file(
            layout.evidence_file(self.root, event.evidence)
        ):
            raise InvalidInput(
                f"unknown evidence file {event.evidence}; add it first with 'heritage evidence add'",
                record=event.id,
                field="evidence",
            )
        path = layout.custody_file(self.root, event.evidence, event.id)
        self.append_file(path, encode(event, self.info.seal_scheme), event.id)
        return path

    def add_verification(self, verification: Verification) -> Path:
        """Append a verification: what it checks, the files and sources it relies on and the
        verification it corrects must be in the catalogue; a verification is corrected once."""
        v = verification
        if not self.has_subject(v.subject_kind, v.subject):
            raise InvalidInput(f"checks unknown {v.subject_kind.value} {v.subject!r}", record=v.id, field="subject")
        self._check_evidence(v.id, v.evidence)
        self._check_sources(v.id, [c.source for c in v.sources], "sources")
        if v.supersedes is not None:
            if not self.has_verification(v.supersedes):
                raise InvalidInput(f"supersedes unknown verification {v.supersedes!r}", record=v.id, field="supersedes")
            old = self.verification(v.supersedes)
            if (old.subject_kind, old.subject) != (v.subject_kind, v.subject):
                message = f"supersedes {old.id!r}, which checks another record ({old.subject_kind.value} {old.subject})"
                raise InvalidInput(message, record=v.id, field="supersedes")
            if taken := next((o.id for o in self.verifications() if o.supersedes == v.supersedes), None):
                message = f"{v.supersedes!r} is already superseded by {taken!r}; supersede that one instead"
                raise InvalidInput(message, record=v.id, field="supersedes")
        path = layout.verification_file(self.root, v.id)
        self.append_file(path, encode(v, self.info.seal_scheme), v.id)
        return path

    def has_evidence(self, sha256: str) -> bool:
        return layout.regular_file(layout.evidence_record_file(self.root, sha256))

    def has_evidence_id(self, evidence_id: str) -> bool:
        return self._evidence_paths(evidence_id) != []

    def evidence_by_id(self, evidence_id: str) -> Evidence | None:
        """The evidence record with this id, if there is one."""
        paths = self._evidence_paths(evidence_id)
        return self.read(Evidence, paths[0]) if paths else None

    def evidence_sha(self, reference: str) -> str | None:
        """The SHA-256 of the evidence file a person named by what `evidence add` printed: its
        SHA-256 or its 'ev-' id. None if the catalogue holds no such evidence."""
        reference = reference.strip().lower()
        if re.fullmatch(r"[0-9a-f]{64}", reference):
            return reference if self.has_evidence(reference) else None
        record = self.evidence_by_id(reference)
        return record.file_sha256 if record is not None else None

    def _evidence_paths(self, evidence_id: str) -> list[Path]:
        """Evidence ids are 'ev-' and the first 20 hex digits of the file's SHA-256."""
        prefix = evidence_id.removeprefix("ev-")
        if not evidence_id.startswith("ev-") or len(prefix) != 20 or not all(c in "0123456789abcdef" for c in prefix):
            return []
        return sorted((self.root / layout.EVIDENCE / prefix[:2]).glob(f"{prefix}*{layout.RECORD_SUFFIX}"))

    def _check_evidence(self, record_id: str, hashes: list[str]) -> None:
        for number, sha in enumerate(hashes):
            if not self.has_evidence(sha):
                raise InvalidInput(
                    f"unknown evidence file {sha}; add it first with 'heritage evidence add'",
                    record=record_id,
                    field=f"evidence[{number}]",
                )

    def _check_sources(self, record_id: str, source_ids: list[str], field: str) -> None:
        for source_id in source_ids:
            if not self.has_source(source_id):
                raise InvalidInput(f"unknown source {source_id!r}", record=record_id, field=field)

    def _check_parties(self, record_id: str, party_ids: list[str], field: str) -> None:
        known = self.info.party_ids()
        for party in party_ids:
            if party not in known:
                raise InvalidInput(
                    f"unknown party {party!r}; catalogue.json declares: {', '.join(sorted(known)) or 'none'}",
                    record=record_id,
                    field=field,
                )


_WELL_FORMED = re.compile(ID_PATTERN).fullmatch


def _safe_id(record_id: str) -> bool:
    """Only well-formed ids reach the file system: never a path, never a glob pattern."""
    return isinstance(record_id, str) and _WELL_FORMED(record_id) is not None
