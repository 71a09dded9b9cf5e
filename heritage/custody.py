"""An evidence file's chain of custody: its intake, then every event appended since.

The intake is read off the evidence record (who added the file and when, under what name, from
whom and how it came, the device the file names): it is the chain's first link and is not stored
twice. Each later change of hands, copy, export, storage, hash check or destruction of a copy is a
`CustodyEvent`, appended under `custody/<sha256>/` and never rewritten: a mistaken event is
corrected by a later one that says so in its notes, as every record is.

Nothing here decides what an audience may see: `chain_for` takes the records through
`heritage.audience` (`evidence_for`, `custody_for`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from heritage import layout
from heritage.audience import custody_for, evidence_for, names_people
from heritage.errors import InvalidInput, RecordNotFound
from heritage.hashing import file_digest
from heritage.ids import new_id
from heritage.models import CustodyAction, CustodyEvent, Evidence, Sensitivity
from heritage.recording import append, build
from heritage.store import Catalogue

ID_PREFIX = "cu"
INTAKE_HOLDER = "this catalogue"  # where the intake puts the file


def record_event(
    catalogue: Catalogue,
    reference: str,
    action: CustodyAction,
    *,
    recorded_by: str,
    by: str | None = None,
    at: datetime | None = None,
    from_holder: str | None = None,
    to_holder: str | None = None,
    where: str | None = None,
    check: Path | None = None,
    checked_sha256: str | None = None,
    notes: str | None = None,
    sensitivity: Sensitivity | None = None,
) -> CustodyEvent:
    """Append one event to the chain of the evidence file named by `reference` (its SHA-256 or
    ev- id, as `evidence add` printed them). `by` defaults to the person recording it, `at` to now.

    `check`: the copy at hand (the one handed over, say), whose SHA-256 is recomputed now and kept
    in `hash_checked`; `checked_sha256`: a SHA-256 recomputed elsewhere, as it was read out. An
    event whose hash does not match is still recorded (it is a fact worth keeping) and `validate`
    warns of it. Checks everything before writing anything."""
    sha = catalogue.evidence_sha(reference)
    if sha is None:
        raise RecordNotFound("no such evidence (give its SHA-256 or ev-... id)", record=reference)
    if check is not None and checked_sha256 is not None:
        raise InvalidInput("give the copy to hash or the SHA-256 recomputed elsewhere, not both", field="hash_checked")
    if check is not None:
        try:
            checked_sha256 = file_digest(check)[0]
        except FileNotFoundError:
            raise InvalidInput("file not found", file=check) from None
        except OSError as exc:
            raise InvalidInput(f"cannot be read ({exc.strerror})", file=check) from None
    now = datetime.now(UTC)
    document = {
        "id": new_id(ID_PREFIX),
        "evidence": sha,
        "action": action,
        "at": at or now,
        "by": by or recorded_by,
        "from_holder": from_holder,
        "to_holder": to_holder,
        "where": where,
        "hash_checked": checked_sha256.strip().lower() if checked_sha256 else None,
        "notes": notes,
        "sensitivity": sensitivity,
        "recorded_by": recorded_by,
        "recorded_at": now,
    }
    event = build(
        CustodyEvent, {k: v for k, v in document.items() if v is not None}, catalogue.context, generated_id=True
    )
    append(catalogue.add_custody_event, event, generated_id=True)
    return event


@dataclass
class Link:
    """One link of a chain as it is shown: the intake or an event, already as its audience may see it."""

    id: str
    action: str
    at: datetime
    by: str | None
    from_holder: str | None
    to_holder: str | None
    where: str | None
    hash_checked: str | None
    matches: bool | None  # the hash recomputed then was the file's; None if none was
    notes: str | None

    @property
    def check(self) -> str:
        """The hash check in words."""
        if self.matches is None:
            return ""
        return "SHA-256 matched" if self.matches else f"SHA-256 DID NOT MATCH ({self.hash_checked})"


@dataclass
class Chain:
    """An evidence file's chain as an audience may see it: intake first, then events in time order."""

    evidence: Evidence
    events: list[CustodyEvent]
    names_withheld: bool  # who held the file, and where, are left out for this audience

    @property
    def links(self) -> list[Link]:
        return [intake_link(self.evidence), *(event_link(e) for e in self.events)]


def intake_link(record: Evidence) -> Link:
    """The intake, read off the evidence record: the file's hash was computed as it came in."""
    device = ", ".join(x for x in (record.camera, record.software, record.device_serial) if x)
    said = [f"added as {record.name}" if record.name else "", f"device: {device}" if device else ""]
    how = [x for x in (record.received_via, record.received_url) if x]
    return Link(
        id=record.id,
        action=CustodyAction.intake.value,
        at=record.recorded_at,
        by=record.recorded_by,
        from_holder=record.received_from,
        to_holder=INTAKE_HOLDER,
        where=f"via {', '.join(how)}" if how else None,
        hash_checked=record.file_sha256,
        matches=True,
        notes="; ".join(x for x in said if x) or None,
    )


def event_link(event: CustodyEvent) -> Link:
    return Link(
        id=event.id,
        action=event.action.value,
        at=event.at,
        by=event.by,
        from_holder=event.from_holder,
        to_holder=event.to_holder,
        where=event.where,
        hash_checked=event.hash_checked,
        matches=event.hash_matches,
        notes=event.notes,
    )


def in_time_order(events: list[CustodyEvent]) -> list[CustodyEvent]:
    """Events by when they happened; two at the same time in the order they were recorded."""
    return sorted(events, key=lambda e: (e.at.astimezone(UTC), e.recorded_at.astimezone(UTC), e.id))


def chain_for(catalogue: Catalogue, record: Evidence, audience: str, source: Sensitivity | None) -> Chain | None:
    """The chain of the file `record` describes, as this audience may see it (`source`: the
    sensitivity of the file's source, if known), or None if it may not see the file."""
    shown = evidence_for(record, audience, source)
    if shown is None:
        return None
    events = [e for event in catalogue.custody_events(record.file_sha256) if (e := custody_for(event, audience, True))]
    return Chain(shown, in_time_order(events), not names_people(audience))


def find_chain(catalogue: Catalogue, reference: str, audience: str) -> Chain:
    """The chain of the evidence file named by its SHA-256 or ev- id, as this audience may see it;
    a file it may not see is 'no such evidence', as for an unknown one."""
    sha = catalogue.evidence_sha(reference)
    if sha is None:
        raise RecordNotFound("no such evidence (give its SHA-256 or ev-... id)", record=reference)
    record = catalogue.read(Evidence, layout.evidence_record_file(catalogue.root, sha))
    source = catalogue.source(record.source).sensitivity if catalogue.has_source(record.source) else None
    chain = chain_for(catalogue, record, audience, source)
    if chain is None:
        raise RecordNotFound("no such evidence (give its SHA-256 or ev-... id)", record=reference)
    return chain
