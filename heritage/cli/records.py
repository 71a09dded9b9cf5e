"""Appending one record: `heritage site|source|report|allegation add`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from heritage.cli.app import Env, cli, pass_env
from heritage.cli.common import choice, citations, drop_none, evidence_hashes, pairs, renamed
from heritage.cli.completion import allegation_ids, site_ids, source_ids
from heritage.models import Site
from heritage.models.vocab import (
    Access,
    AllegedAct,
    Certainty,
    ClaimantKind,
    Condition,
    DamageCause,
    DamageEffect,
    DamageExtent,
    LocationPrecision,
    Method,
    Reliability,
    Sensitivity,
    SourceKind,
)
from heritage.recording import add_allegation, add_report, add_site, add_source, read_json_file


def FILE_OPTION(command: Callable[..., Any]) -> Callable[..., Any]:
    """--file, and --as-recorded for files that carry their own recorded_at / recorded_by."""
    command = click.option(
        "--as-recorded", is_flag=True, help="Keep recorded_at / recorded_by from the file (migrations only)."
    )(command)
    return click.option(
        "--file",
        "record_file",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Read the whole record from a JSON file instead of flags; - for standard input.",
    )(command)


def _require(flags: dict[str, Any]) -> None:
    missing = [f"--{name.replace('_', '-')}" for name, value in flags.items() if value in (None, ())]
    if missing:
        raise click.UsageError(f"missing {', '.join(missing)} (or give the whole record with --file)")


@cli.group()
def site() -> None:
    """Sites: places of heritage."""


@site.command("add")
@click.option("--id", "site_id", help="A stable id (lowercase, digits, '-'); made from the name if absent.")
@click.option("--name", "names", multiple=True, metavar="LANG=TEXT", help="A name and its BCP 47 language; repeat.")
@click.option("--lat", type=float, help="Latitude, WGS84.")
@click.option("--lon", type=float, help="Longitude, WGS84.")
@click.option("--precision", type=choice(LocationPrecision), help="How well the location is known.")
@renamed("--uncertainty-m", "--uncertainty", dest="uncertainty", type=float, help="Uncertainty radius in metres.")
@click.option("--location-source", help="Where the coordinates came from.")
@click.option("--type", "site_type", help="Site type (church, mosque, cemetery, khachkar...).")
@click.option("--tradition", help="Religious tradition (armenian_apostolic, shia_islam...).")
@click.option("--period", help="Period as the sources give it, e.g. '13th century'.")
@click.option("--area", "areas", multiple=True, help="Administrative area; repeat.")
@click.option("--description")
@click.option("--external-id", "external_ids", multiple=True, metavar="SCHEME=ID", help="e.g. wikidata=Q1234.")
@click.option("--sensitivity", type=choice(Sensitivity), default="public", show_default=True)
@click.option("--grow-region", is_flag=True, help="Grow the catalogue's region to hold the site if it lies outside.")
@FILE_OPTION
@pass_env
def site_add(
    env: Env,
    site_id: str | None,
    names: tuple[str, ...],
    lat: float | None,
    lon: float | None,
    precision: str | None,
    uncertainty: float | None,
    location_source: str | None,
    site_type: str | None,
    tradition: str | None,
    period: str | None,
    areas: tuple[str, ...],
    description: str | None,
    external_ids: tuple[str, ...],
    sensitivity: str,
    grow_region: bool,
    record_file: Path | None,
    as_recorded: bool,
) -> None:
    """Append one site; print its id. One outside the catalogue's region is added with a warning
    that names the command to grow the region (or give --grow-region).

    \b
    Example:
      heritage site add --name en="St Sargis Church" --name hy="Սուրբ Սարգիս" \\
        --lat 39.5694 --lon 46.9297 --precision settlement --type church \\
        --tradition armenian_apostolic --area Hadrut
    """
    catalogue = env.catalogue
    if record_file is not None:
        document = read_json_file(record_file)
    else:
        _require({"name": names, "type": site_type})
        if (lat is None) != (lon is None):
            raise click.UsageError("give both --lat and --lon, or neither")
        located = lat is not None and lon is not None
        document = drop_none(
            {
                "id": site_id,
                "names": [{"lang": lang, "text": text} for lang, text in pairs(names, "--name")],
                "geometry": {"type": "Point", "coordinates": [lon, lat]} if located else None,
                "location": drop_none(
                    {
                        "precision": precision or ("exact" if located else "unknown"),
                        "uncertainty_m": uncertainty,
                        "source": location_source,
                    }
                ),
                "type": site_type,
                "tradition": tradition,
                "period": {"label": period} if period else None,
                "areas": list(areas),
                "description": description,
                "external_ids": dict(pairs(external_ids, "--external-id")),
                "sensitivity": sensitivity,
            }
        )
    record = add_site(catalogue, document, env.user(), as_recorded=as_recorded, file=record_file, anywhere=grow_region)
    click.echo(record.id)
    _outside_region(env, record, grow_region)


def _outside_region(env: Env, site: Site, grow: bool) -> None:
    """Warn of a site outside the region with the one line that takes it in, or run that line."""
    from heritage.sanity import region_problem
    from heritage.settings import format_region, grow_region, grown_region, region_command

    region = env.catalogue.info.region
    problem = None if site.geometry is None or region is None else region_problem(site.geometry, region)
    if site.geometry is None or region is None or problem is None:
        return
    if grow:
        grown = grow_region(env.catalogue.root, [site.geometry.representative])
        if grown is not None:
            click.echo("region grown to (W S E N): " + format_region(grown), err=True)
        return
    wider = grown_region(region, [site.geometry.representative])
    click.echo(f"warning: site {site.id}: {problem}; to take it in: {region_command(wider)}", err=True)


@cli.group()
def source() -> None:
    """Sources: the documents and media that statements cite."""


@source.command("add")
@click.option("--id", "source_id", help="A stable id; made from the title if absent.")
@click.option("--title")
@click.option("--kind", type=choice(SourceKind))
@click.option("--author")
@click.option("--publisher")
@click.option("--published", help="Publication date: YYYY-MM-DD, YYYY-MM or YYYY.")
@click.option("--url")
@click.option("--archived-url")
@click.option("--accessed", help="When the URL was consulted (YYYY-MM-DD).")
@click.option("--language", help="BCP 47 tag of the source's language.")
@click.option("--party", help="The party the source speaks for, if any (declared in catalogue.json).")
@click.option(
    "--reliability",
    type=choice(Reliability),
    default="F",
    show_default=True,
    help="Admiralty grade A-F (F: cannot be judged).",
)
@click.option("--sensitivity", type=choice(Sensitivity), default="public", show_default=True)
@renamed("--notes", "--note", dest="notes")
@click.option("--satellite-provider", help="For satellite images: who provides the imagery.")
@click.option("--acquired-on", help="For satellite images: the acquisition date (YYYY-MM-DD).")
@click.option("--sensor", help="For satellite images: the sensor or constellation.")
@click.option("--scene-id", help="For satellite images: the scene id.")
@FILE_OPTION
@pass_env
def source_add(
    env: Env,
    source_id: str | None,
    title: str | None,
    kind: str | None,
    author: str | None,
    publisher: str | None,
    published: str | None,
    url: str | None,
    archived_url: str | None,
    accessed: str | None,
    language: str | None,
    party: str | None,
    reliability: str,
    sensitivity: str,
    notes: str | None,
    satellite_provider: str | None,
    acquired_on: str | None,
    sensor: str | None,
    scene_id: str | None,
    record_file: Path | None,
    as_recorded: bool,
) -> None:
    """Append one source; print its id.

    \b
    Example:
      heritage source add --title "Letter dated 12 January 2021 to the Secretary-General" \\
        --kind un_document --publisher "United Nations" --published 2021-01-12 --party armenia
      heritage source add --title "SkySat scene over Mokhrenes" --kind satellite_image \\
        --satellite-provider Planet --acquired-on 2022-07-06 --sensor SkySat --reliability B
    """
    catalogue = env.catalogue
    if record_file is not None:
        document = read_json_file(record_file)
    else:
        _require({"title": title, "kind": kind})
        document = drop_none(
            {
                "title": title,
                "kind": kind,
                "author": author,
                "publisher": publisher,
                "published": published,
                "url": url,
                "archived_url": archived_url,
                "accessed": accessed,
                "language": language,
                "party": party,
                "reliability": reliability,
                "sensitivity": sensitivity,
                "notes": notes,
                "id": source_id,
                "satellite": drop_none(
                    {"provider": satellite_provider, "acquired_on": acquired_on, "sensor": sensor, "scene_id": scene_id}
                )
                or None,
            }
        )
    record = add_source(catalogue, document, env.user(), as_recorded=as_recorded, file=record_file)
    click.echo(record.id)


@cli.group()
def report() -> None:
    """Condition reports: what a site looked like, when, according to whom."""


@report.command("add")
@click.option("--id", "report_id", help="An id; a new unique one if absent.")
@click.option("--site", "site_id", help="The site observed.", shell_complete=site_ids)
@click.option(
    "--observed",
    help="A date (2021-05-03, 2021-05, 2021, 2021~ about, 2021? uncertain, 2021-05-XX) or a window "
    "(2023-12/2024-04-04; 2021-05-03/.. : since then, up to the day recorded).",
)
@click.option("--condition", type=choice(Condition))
@click.option(
    "--certainty",
    type=choice(Certainty),
    help="How sure the report is of the condition (UNOSAT's 'Possible Damage' is damaged + possible).",
)
@click.option("--method", type=choice(Method))
@click.option(
    "--source",
    "sources",
    multiple=True,
    metavar="ID[:LOCATOR]",
    help="A source cited, optionally with page/paragraph/timestamp; repeat.",
    shell_complete=source_ids,
)
@click.option(
    "--credibility",
    type=click.IntRange(1, 6),
    default=6,
    show_default=True,
    help="Information credibility 1-6 (6: cannot be judged).",
)
@renamed("--damage-extent", "--extent", dest="extent", type=choice(DamageExtent))
@renamed("--damage-effect", "--effect", dest="effects", multiple=True, type=choice(DamageEffect), help="Repeat.")
@renamed("--damage-cause", "--cause", dest="causes", multiple=True, type=choice(DamageCause), help="Repeat.")
@renamed("--observed-by", "--observer", dest="observer", help="Who made the observation (not who records it).")
@click.option("--position", type=(float, float), metavar="LON LAT", help="Where the observer stood (WGS84).")
@renamed("--accuracy-m", "--accuracy", dest="accuracy", type=float, metavar="METRES", help="Accuracy of --position.")
@click.option(
    "--visited-at",
    metavar="TIME",
    help="On a field visit, the time on site with its offset from UTC: 2025-05-03T10:12+04:00 (Z for UTC).",
)
@click.option("--access", type=choice(Access), help="On a field visit, how much of the site could be reached.")
@click.option("--access-reason", help="Why access was partial, none or refused.")
@click.option("--evidence", multiple=True, metavar="EV", help="An evidence file: its ev-... id or SHA-256; repeat.")
@renamed("--notes", "--note", dest="notes")
@click.option("--sensitivity", type=choice(Sensitivity), default="public", show_default=True)
@click.option("--supersedes", help="The id of the report this one corrects.")
@FILE_OPTION
@pass_env
def report_add(
    env: Env,
    report_id: str | None,
    site_id: str | None,
    observed: str | None,
    condition: str | None,
    certainty: str | None,
    method: str | None,
    sources: tuple[str, ...],
    credibility: int,
    extent: str | None,
    effects: tuple[str, ...],
    causes: tuple[str, ...],
    observer: str | None,
    position: tuple[float, float] | None,
    accuracy: float | None,
    visited_at: str | None,
    access: str | None,
    access_reason: str | None,
    evidence: tuple[str, ...],
    notes: str | None,
    sensitivity: str,
    supersedes: str | None,
    record_file: Path | None,
    as_recorded: bool,
) -> None:
    """Append one condition report; print its id. Reads nothing but the site and its sources.

    \b
    Example:
      heritage report add --site ghazanchetsots-cathedral --observed 2021-05-03 \\
        --condition altered --method media_review --source src-jamnews-restoration \\
        --damage-effect structural_alteration --notes "Domes removed in photos"
      heritage report add --site st-sargis-mokhrenes --observed 2022-07-06 \\
        --condition damaged --certainty possible --method remote_sensing --source src-unosat-2022
      heritage report add --site kanach-zham --observed 2025-05-03 --condition moderate_damage \\
        --method field_visit --source src-visit-kanach --visited-at 2025-05-03T10:12+04:00 \\
        --access partial --access-reason "North side fenced off"
    """
    catalogue = env.catalogue
    if accuracy is not None and position is None:
        raise click.UsageError("--accuracy-m is the accuracy of --position: give both")
    if access_reason is not None and access is None:
        raise click.UsageError("--access-reason explains --access: give both")
    if record_file is not None:
        document = read_json_file(record_file)
    else:
        _require({"site": site_id, "observed": observed, "condition": condition, "method": method, "source": sources})
        document = drop_none(
            {
                "id": report_id,
                "site": site_id,
                "observed": observed,
                "condition": condition,
                "certainty": certainty,
                "method": method,
                "sources": citations(sources),
                "credibility": credibility,
                "damage_extent": extent,
                "damage_effects": list(effects),
                "damage_causes": list(causes),
                "observed_by": observer,
                "position": {"coordinates": list(position), "accuracy_m": accuracy} if position else None,
                "visited_at": _time_on_site(visited_at),
                "access": access,
                "access_reason": access_reason,
                "evidence": evidence_hashes(catalogue, evidence),
                "notes": notes,
                "sensitivity": sensitivity,
                "supersedes": supersedes,
            }
        )
    record = add_report(catalogue, document, env.user(), as_recorded=as_recorded, file=record_file)
    click.echo(record.id)


def _time_on_site(text: str | None) -> str | None:
    """--visited-at as given, once it is a time with an offset: a time without one would be read
    in whatever zone this computer is set to, which says nothing of where the team stood."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise click.BadParameter(
            f"{text!r} is not a time; write it as 2025-05-03T10:12+04:00", param_hint="--visited-at"
        ) from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        message = (
            f"{text!r} has no offset from UTC; add the one the team's clock was on ({text.strip()}+04:00), or Z for UTC"
        )
        raise click.BadParameter(message, param_hint="--visited-at")
    return moment.isoformat()


@cli.group()
def allegation() -> None:
    """Allegations: claims made by parties, recorded as claims."""


@allegation.command("add")
@click.option("--id", "allegation_id", help="An id; a new unique one if absent.")
@click.option("--claimant", help="Who makes the claim (government, body, person).")
@click.option("--claimant-kind", type=choice(ClaimantKind), default="government", show_default=True)
@renamed("--claimant-party", "--party", dest="party", help="The party the claimant belongs to.")
@renamed("--made-on", "--made", dest="made", help="When the claim was made (YYYY-MM-DD, YYYY-MM or YYYY).")
@click.option(
    "--source", "source_ref", metavar="ID[:LOCATOR]", help="Where the claim was made.", shell_complete=source_ids
)
@click.option("--site", "sites", multiple=True, help="A site concerned; repeat.", shell_complete=site_ids)
@click.option(
    "--area",
    "area_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A GeoJSON file with the polygon of the area concerned; - for standard input.",
)
@click.option("--act", "acts", multiple=True, type=choice(AllegedAct), help="The alleged act; repeat.")
@renamed("--alleged-perpetrator", "--perpetrator", dest="perpetrator", help="Who is alleged to have done it.")
@renamed("--alleged-perpetrator-party", "--perpetrator-party", dest="perpetrator_party", help="Their party.")
@renamed("--alleged-period", "--period", dest="period", help="When the act allegedly happened (date or window).")
@click.option("--summary", help="The claim in your own words.")
@click.option("--quote", help="A short exact phrase of the claim.")
@renamed("--legal-reference", "--legal-ref", dest="legal_refs", multiple=True, help="e.g. 'Hague Convention art. 4'")
@click.option("--evidence", multiple=True, metavar="EV", help="An evidence file: its ev-... id or SHA-256; repeat.")
@click.option(
    "--responds-to", help="The allegation this one answers (denial, counter-claim).", shell_complete=allegation_ids
)
@click.option("--sensitivity", type=choice(Sensitivity), default="public", show_default=True)
@FILE_OPTION
@pass_env
def allegation_add(
    env: Env,
    allegation_id: str | None,
    claimant: str | None,
    claimant_kind: str,
    party: str | None,
    made: str | None,
    source_ref: str | None,
    sites: tuple[str, ...],
    area_file: Path | None,
    acts: tuple[str, ...],
    perpetrator: str | None,
    perpetrator_party: str | None,
    period: str | None,
    summary: str | None,
    quote: str | None,
    legal_refs: tuple[str, ...],
    evidence: tuple[str, ...],
    responds_to: str | None,
    sensitivity: str,
    record_file: Path | None,
    as_recorded: bool,
) -> None:
    """Append one allegation; print its id.

    \b
    Example:
      heritage allegation add --claimant "Ministry of Defence of Azerbaijan" --claimant-party azerbaijan \\
        --made-on 2020-10-08 --source src-usweekly-ap --site ghazanchetsots-cathedral \\
        --act damage_by_shelling --summary "Denies having targeted the cathedral"
    """
    catalogue = env.catalogue
    if record_file is not None:
        document = read_json_file(record_file)
    else:
        _require({"claimant": claimant, "made_on": made, "source": source_ref, "act": acts, "summary": summary})
        area = None
        if area_file is not None:
            area = read_json_file(area_file)
            area = area.get("geometry", area) if area.get("type") == "Feature" else area
        perpetrator_doc = drop_none({"name": perpetrator, "party": perpetrator_party})
        document = drop_none(
            {
                "id": allegation_id,
                "claimant": drop_none({"name": claimant, "kind": claimant_kind, "party": party}),
                "made_on": made,
                "source": citations((source_ref or "",))[0],
                "sites": list(sites),
                "area": area,
                "acts": list(acts),
                "alleged_perpetrator": perpetrator_doc or None,
                "alleged_period": period,
                "summary": summary,
                "quote": quote,
                "legal_references": list(legal_refs),
                "evidence": evidence_hashes(catalogue, evidence),
                "responds_to": responds_to,
                "sensitivity": sensitivity,
            }
        )
    record = add_allegation(catalogue, document, env.user(), as_recorded=as_recorded, file=record_file)
    click.echo(record.id)
