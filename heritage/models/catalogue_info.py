"""What a catalogue says about itself in `catalogue.json`."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from heritage.models.base import Model
from heritage.models.geometry import check_position
from heritage.models.types import LanguageTag, Line, RecordId, Text
from heritage.models.vocab import DEFAULT_VOCABULARY, Vocabulary

BBox = tuple[float, float, float, float]


class Party(Model):
    id: RecordId
    name: Line
    description: Text | None = None


class CatalogueInfo(Model):
    format: Literal[1] = 1
    # How the records' seals are computed: `jcs` (RFC 8785), what `heritage init` and `heritage
    # migrate` write; absent, `heritage-json-1`, the scheme of catalogues made before it.
    seal: Literal["jcs", "heritage-json-1"] | None = None
    name: Line
    description: Text | None = None
    region: BBox | None = None  # west, south, east, north: sites outside it are flagged
    parties: list[Party] = Field(default_factory=list)
    site_types: dict[RecordId, Text] = Field(default_factory=dict)  # added to the built-in ones
    traditions: dict[RecordId, Text] = Field(default_factory=dict)
    # Labels in other languages, by language and then by key: `form.<question>` for the field
    # form's questions, `<vocabulary>.<value>` for a value (see heritage.fieldform).
    translations: dict[LanguageTag, dict[str, Text]] = Field(default_factory=dict)

    @field_validator("region")
    @classmethod
    def _valid_bbox(cls, value: BBox | None) -> BBox | None:
        if value is not None:
            west, south, east, north = value
            check_position([west, south])
            check_position([east, north])
            if south > north or west > east:
                raise ValueError("region is west, south, east, north with west <= east, south <= north")
        return value

    @field_validator("parties")
    @classmethod
    def _distinct(cls, value: list[Party]) -> list[Party]:
        ids = [party.id for party in value]
        if duplicated := sorted({i for i in ids if ids.count(i) > 1}):
            raise ValueError(f"party id(s) declared twice: {', '.join(duplicated)}")
        return value

    def vocabulary(self) -> Vocabulary:
        return DEFAULT_VOCABULARY.extended(self.site_types, self.traditions)

    def party_ids(self) -> set[str]:
        return {party.id for party in self.parties}

    @property
    def seal_scheme(self) -> str:
        """The scheme of the records' seals: `jcs`, or `heritage-json-1` until `heritage migrate`."""
        return self.seal or "heritage-json-1"
