"""A place of heritage, with its contested names and how well its location is known."""

from __future__ import annotations

import re

from pydantic import Field, ValidationInfo, field_validator, model_validator

from heritage.models.base import Model, Record, vocabulary_of
from heritage.models.geometry import Geometry
from heritage.models.types import LanguageTag, Line, RecordId, Text, When
from heritage.models.vocab import DisputedAspect, LocationPrecision, Sensitivity

WIKIDATA_ID = re.compile(r"Q[1-9][0-9]*")
WIKIDATA_URL = re.compile(r"(?:https?://)?(?:www\.)?wikidata\.org/(?:wiki|entity)/(Q[1-9][0-9]*)/?")


def check_wikidata_id(value: str) -> str:
    """A Wikidata item id as Wikidata writes it: Q, then digits with no leading zero (`Q42`).
    Anything else is refused, a page or entity address too: exports build the entity IRI
    from the id, and a catalogue that keeps one spelling can be searched and compared. The
    message says which id to write where the value holds one."""
    if WIKIDATA_ID.fullmatch(value):
        return value
    hint = ""
    if found := WIKIDATA_URL.fullmatch(value.strip()):
        hint = f": write the id alone, {found.group(1)}"
    elif re.fullmatch(r"\s*[qQ]0*([1-9][0-9]*)\s*", value):
        hint = f": did you mean Q{int(re.sub(r'[^0-9]', '', value))}?"
    raise ValueError(f"external_ids.wikidata {value!r} is not a Wikidata item id (Q and digits, as Q42){hint}")


class Name(Model):
    text: Line
    lang: LanguageTag
    used_by: list[Line] = Field(default_factory=list)  # parties or communities that use it
    note: Text | None = None


class Location(Model):
    precision: LocationPrecision
    uncertainty_m: float | None = Field(default=None, gt=0)
    source: Text | None = None  # where the coordinates came from


class Period(Model):
    label: Line  # as the sources put it: "13th (1216-1238)"
    start_year: int | None = None  # negative for BCE
    end_year: int | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.start_year is not None and self.end_year is not None:
            if self.end_year < self.start_year:
                raise ValueError(f"end_year {self.end_year} is before start_year {self.start_year}")
        return self


class Designation(Model):
    scheme: Line  # "az-national-register", "unesco-world-heritage", "hague-1954-enhanced"...
    reference: Line | None = None
    level: Line | None = None
    since: When | None = None


class Dispute(Model):
    """A contested statement about the site, stored as contested: who holds it, on what source."""

    aspect: DisputedAspect
    claim: Text
    held_by: list[Line] = Field(default_factory=list)
    sources: list[RecordId] = Field(default_factory=list)

    @model_validator(mode="after")
    def _attributed(self) -> Dispute:
        if not self.held_by and not self.sources:
            raise ValueError("a disputed statement needs who holds it (held_by) or its sources")
        return self


class Site(Record):
    names: list[Name] = Field(min_length=1)
    geometry: Geometry | None = None
    location: Location
    type: Line
    tradition: Line | None = None
    period: Period | None = None
    areas: list[Line] = Field(default_factory=list)
    designations: list[Designation] = Field(default_factory=list)
    external_ids: dict[str, Line] = Field(default_factory=dict)
    description: Text | None = None
    disputes: list[Dispute] = Field(default_factory=list)
    sensitivity: Sensitivity = Sensitivity.public

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str, info: ValidationInfo) -> str:
        known = vocabulary_of(info).site_types
        if value not in known:
            raise ValueError(f"unknown site type {value!r}; known: {', '.join(sorted(known))}")
        return value

    @field_validator("tradition")
    @classmethod
    def _known_tradition(cls, value: str | None, info: ValidationInfo) -> str | None:
        known = vocabulary_of(info).traditions
        if value is not None and value not in known:
            raise ValueError(f"unknown tradition {value!r}; known: {', '.join(sorted(known))}")
        return value

    @field_validator("external_ids")
    @classmethod
    def _wikidata_id(cls, value: dict[str, str]) -> dict[str, str]:
        if "wikidata" in value:
            check_wikidata_id(value["wikidata"])
        return value

    @model_validator(mode="after")
    def _location_agrees(self) -> Site:
        precision = self.location.precision
        if self.geometry is None and precision is not LocationPrecision.unknown:
            raise ValueError("a site without geometry must have location precision 'unknown'")
        if self.geometry is not None and precision is LocationPrecision.unknown:
            raise ValueError("a site with geometry cannot have location precision 'unknown'")
        if precision is LocationPrecision.approximate and self.location.uncertainty_m is None:
            raise ValueError("an approximate location needs uncertainty_m (metres)")
        return self

    def display_name(self, prefer: tuple[str, ...] = ("en",)) -> str:
        for lang in prefer:
            for name in self.names:
                if name.lang == lang:
                    return name.text
        return self.names[0].text
