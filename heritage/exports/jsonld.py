"""The sites and their condition assessments as Linked Art JSON-LD, with PROV-O provenance
(`heritage export jsonld`).

One JSON-LD document, `{"@context": ..., "@graph": [...]}`:

    site       a Linked Art `HumanMadeObject` (crm:E22): our heritage places are buildings,
               monuments and the works of people at a place, and Linked Art describes such a thing
               as an object with a location rather than as the place itself. `classified_as` our
               site type (and the Getty AAT concept where one is given below), `identified_by` its
               Names (each with its BCP 47 language) and Identifiers (our id, each external id),
               `equivalent` the Wikidata entity where it has one, `current_location` a `Place`
               whose `defined_by` is the geometry as WKT (as the audience may see it).
    report     a CIDOC-CRM E14 Condition Assessment: `crm:P34_concerned` the site,
               `crm:P35_has_identified` an E3 Condition State typed with our condition and, where
               one exists, EAMENA's Overall Damage Severity term (a Type listed in EAMENA's
               concept list), `crm:P4_has_time-span` the window in which it was observed; with
               `prov:generatedAtTime` (recorded at), `prov:wasAttributedTo` (who recorded it,
               unless the audience may not read the team's names), `prov:wasDerivedFrom` each
               cited source it may see, and `prov:wasRevisionOf` the report it supersedes, if it
               may see that one too.
               Retracted reports are left out.
    source     a `LinguisticObject` (crm:E33) with its title, carried by a `DigitalObject` whose
               `access_point` is its URL and archived URL.

The context is written inline, in full, so a partner can expand the document to RDF offline with
any JSON-LD processor and no document loader. Its term names and their CRM IRIs are those Linked
Art uses (https://linked.art/ns/v1/linked-art.json), plus the CRM and PROV-O terms Linked Art does
not name; a Linked Art consumer reads the same keys, an RDF consumer gets the same triples.

IRIs are minted under `urn:heritage:<catalogue>/` (the catalogue's name, lowercased, each run of
other characters than a-z and 0-9 made one `-`), then `site/<id>`, `report/<id>`, `source/<id>`,
`agent/<login>`: stable as long as the catalogue's name and the record ids are.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from heritage.atomic import replace_file
from heritage.audience import WITHHELD_LOGIN
from heritage.exports.eamena import wkt
from heritage.models import ConditionReport, Site, Source
from heritage.models.types import When
from heritage.models.vocab import EAMENA_DAMAGE_SEVERITY, SITE_TYPES

if TYPE_CHECKING:
    from heritage.exports import Scope

CRM = "http://www.cidoc-crm.org/cidoc-crm/"
PROV = "http://www.w3.org/ns/prov#"
WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"
AAT = "http://vocab.getty.edu/aat/"
# EAMENA's "Overall Damage Severity" concept list (database.eamena.org).
EAMENA_SEVERITY_LIST = "https://database.eamena.org/7120badf-3b0f-4a18-b460-79c6810e833b"
# Only AAT ids checked against the thesaurus; a type not here carries our own concept alone.
AAT_TYPES = {"church": "300007466"}  # churches (buildings)

_ID = {"@type": "@id"}
_SET = {"@type": "@id", "@container": "@set"}
_TIME = {"@type": "xsd:dateTime"}
CONTEXT: dict[str, Any] = {
    "crm": CRM,
    "la": "https://linked.art/ns/terms/",
    "dig": "http://www.ics.forth.gr/isl/CRMdig/",
    "prov": PROV,
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "id": "@id",
    "type": "@type",
    "_label": "rdfs:label",
    "HumanMadeObject": "crm:E22_Human-Made_Object",
    "Place": "crm:E53_Place",
    "Name": "crm:E33_E41_Linguistic_Appellation",
    "Identifier": "crm:E42_Identifier",
    "Type": "crm:E55_Type",
    "Language": "crm:E56_Language",
    "LinguisticObject": "crm:E33_Linguistic_Object",
    "DigitalObject": "dig:D1_Digital_Object",
    "TimeSpan": "crm:E52_Time-Span",
    "ConditionAssessment": "crm:E14_Condition_Assessment",
    "ConditionState": "crm:E3_Condition_State",
    "AuthorityDocument": "crm:E32_Authority_Document",
    "Agent": "prov:Agent",
    "identified_by": {"@id": "crm:P1_is_identified_by", **_SET},
    "classified_as": {"@id": "crm:P2_has_type", **_SET},
    "timespan": {"@id": "crm:P4_has_time-span", **_ID},
    "concerned": {"@id": "crm:P34_concerned", **_SET},
    "identified_condition": {"@id": "crm:P35_has_identified", **_SET},
    "current_location": {"@id": "crm:P55_has_current_location", **_ID},
    "referred_to_by": {"@id": "crm:P67i_is_referred_to_by", **_SET},
    "listed_in": {"@id": "crm:P71i_is_listed_in", **_SET},
    "language": {"@id": "crm:P72_has_language", **_SET},
    "begin_of_the_begin": {"@id": "crm:P82a_begin_of_the_begin", **_TIME},
    "end_of_the_end": {"@id": "crm:P82b_end_of_the_end", **_TIME},
    "defined_by": "crm:P168_place_is_defined_by",
    "content": "crm:P190_has_symbolic_content",
    "equivalent": {"@id": "la:equivalent", **_SET},
    "digitally_carried_by": {"@id": "la:digitally_carried_by", **_SET},
    "access_point": {"@id": "la:access_point", **_SET},
    "generatedAtTime": {"@id": "prov:generatedAtTime", **_TIME},
    "wasAttributedTo": {"@id": "prov:wasAttributedTo", **_ID},
    "wasDerivedFrom": {"@id": "prov:wasDerivedFrom", **_SET},
    "wasRevisionOf": {"@id": "prov:wasRevisionOf", **_ID},
}


def write(scope: Scope, path: Path) -> None:
    """The document with one node of the graph a line, each encoded compactly: Python's encoder
    indents in Python rather than in C, which made the indented file take several times as long
    (and half again the bytes) at thousands of sites."""
    whole = document(scope)
    compact = {"ensure_ascii": False, "separators": (",", ":")}
    head = json.dumps({key: value for key, value in whole.items() if key != "@graph"}, **compact)  # type: ignore[arg-type]
    nodes = ",\n".join(json.dumps(node, **compact) for node in whole["@graph"])  # type: ignore[arg-type]
    replace_file(path, f'{head[:-1]},"@graph":[\n{nodes}\n]}}\n'.encode())


def document(scope: Scope) -> dict[str, Any]:
    iri = Minter(scope.catalogue_name)
    graph: list[dict[str, Any]] = [site_node(site, iri) for site in scope.sites]
    for site in scope.sites:
        graph += [
            assessment_node(report, scope, iri)
            for report in scope.reports.get(site.id, [])
            if report.id not in scope.retracted
        ]
    graph += [source_node(source, iri) for source in scope.sources.values()]
    return {"@context": CONTEXT, "@graph": graph}


class Minter:
    """The IRIs of one catalogue's records."""

    def __init__(self, catalogue_name: str) -> None:
        slug = re.sub(r"[^a-z0-9]+", "-", catalogue_name.lower()).strip("-") or "catalogue"
        self.base = f"urn:heritage:{slug}/"

    def __call__(self, kind: str, record_id: str) -> str:
        return f"{self.base}{kind}/{quote(record_id, safe='')}"

    def concept(self, scheme: str, key: str) -> str:
        return f"{self.base}vocab/{scheme}/{quote(key, safe='')}"


def site_node(site: Site, iri: Minter) -> dict[str, Any]:
    types = [_type(iri.concept("site-type", site.type), SITE_TYPES.get(site.type, site.type))]
    if site.type in AAT_TYPES:
        types.append({"id": AAT + AAT_TYPES[site.type], "type": "Type"})
    node: dict[str, Any] = {
        "id": iri("site", site.id),
        "type": "HumanMadeObject",
        "_label": site.display_name(),
        "classified_as": types,
        "identified_by": [
            *(_name(name.text, name.lang) for name in site.names),
            _identifier(site.id, iri.concept("identifier", "catalogue")),
            *(
                _identifier(value, iri.concept("identifier", scheme))
                for scheme, value in sorted(site.external_ids.items())
            ),
        ],
    }
    if "wikidata" in site.external_ids:
        node["equivalent"] = [{"id": WIKIDATA_ENTITY + site.external_ids["wikidata"], "type": "HumanMadeObject"}]
    if site.geometry is not None:
        node["current_location"] = {
            "id": iri("site", site.id) + "/place",
            "type": "Place",
            "_label": f"location of {site.display_name()}",
            "defined_by": wkt(site),
        }
    if site.description:
        node["referred_to_by"] = [{"type": "LinguisticObject", "content": site.description}]
    return node


def assessment_node(report: ConditionReport, scope: Scope, iri: Minter) -> dict[str, Any]:
    here = iri("report", report.id)
    state_types = [_type(iri.concept("condition", report.condition.value), report.condition.value)]
    if (term := EAMENA_DAMAGE_SEVERITY.get(report.condition)) is not None:
        state_types.append(
            {"type": "Type", "_label": term, "listed_in": [{"id": EAMENA_SEVERITY_LIST, "type": "AuthorityDocument"}]}
        )
    if report.certainty is not None:
        state_types.append(_type(iri.concept("certainty", report.certainty.value), report.certainty.value))
    node: dict[str, Any] = {
        "id": here,
        "type": "ConditionAssessment",
        "_label": f"condition of {report.site}: {report.condition.value}",
        "classified_as": [_type(iri.concept("method", report.method.value), report.method.value)],
        "concerned": [{"id": iri("site", report.site)}],
        "identified_condition": [{"id": here + "/state", "type": "ConditionState", "classified_as": state_types}],
        "timespan": _timespan(report.observed, here + "/observed"),
        "generatedAtTime": report.recorded_at.isoformat(),
        "wasDerivedFrom": [{"id": iri("source", c.source)} for c in report.sources if c.source in scope.sources],
    }
    if report.recorded_by != WITHHELD_LOGIN:
        node["wasAttributedTo"] = {
            "id": iri("agent", report.recorded_by),
            "type": "Agent",
            "_label": report.recorded_by,
        }
    # Never name a report the audience may not see: only one of the site's reports it is shown.
    if report.supersedes is not None and any(r.id == report.supersedes for r in scope.reports[report.site]):
        node["wasRevisionOf"] = {"id": iri("report", report.supersedes)}
    if report.notes:
        node["referred_to_by"] = [{"type": "LinguisticObject", "content": report.notes}]
    return node


def source_node(source: Source, iri: Minter) -> dict[str, Any]:
    node: dict[str, Any] = {
        "id": iri("source", source.id),
        "type": "LinguisticObject",
        "_label": source.title,
        "classified_as": [_type(iri.concept("source-kind", source.kind.value), source.kind.value)],
        "identified_by": [{"type": "Name", "content": source.title}],
    }
    points = [url for url in (source.url, source.archived_url) if url]
    if points:
        node["digitally_carried_by"] = [{"type": "DigitalObject", "access_point": [{"id": _iri(u)} for u in points]}]
    return node


# A source's URL is checked for its scheme and for spaces only, so it may hold `"`, `<`, `>`, `{`,
# `|`, a backslash or characters no IRI may hold: left as they are, the graph parses but no RDF
# serializer can write it. Those are percent-encoded (non-ASCII as UTF-8, the IRI-to-URI mapping);
# what a URI may hold, `%` included, is kept, so an address already encoded stays as it was.
_URI_SAFE = "!#$%&'()*+,/:;=?@[]~-._"


def _iri(url: str) -> str:
    return quote(url, safe=_URI_SAFE)


def _type(concept: str, label: str) -> dict[str, Any]:
    return {"id": concept, "type": "Type", "_label": label}


def _name(text: str, lang: str) -> dict[str, Any]:
    return {"type": "Name", "content": text, "language": [{"type": "Language", "_label": lang}]}


def _identifier(value: str, scheme: str) -> dict[str, Any]:
    return {"type": "Identifier", "content": value, "classified_as": [{"id": scheme, "type": "Type"}]}


def _timespan(when: When, iri: str) -> dict[str, Any]:
    """The window as Linked Art writes one: the earliest and latest instants it may be, in UTC,
    and the date as the source gave it."""
    span: dict[str, Any] = {"id": iri, "type": "TimeSpan", "_label": when.text}
    if when.start is not None:
        span["begin_of_the_begin"] = _instant(when.start, time.min)
    if when.end is not None:
        span["end_of_the_end"] = _instant(when.end, time(23, 59, 59))
    return span


def _instant(day: date, at: time) -> str:
    return datetime.combine(day, at, tzinfo=UTC).isoformat().replace("+00:00", "Z")
