"""Small catalogues built in tmp_path, and a CLI runner that needs no real terminal."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from heritage.browser import PageLog, watch
from heritage.cli import cli
from heritage.codec import encode
from heritage.models import CatalogueInfo, Party
from heritage.store import Catalogue

REPO = Path(__file__).resolve().parent.parent
NOW = "2026-01-02T03:04:05Z"


def site_doc(site_id: str = "st-sargis", **properties: Any) -> dict[str, Any]:
    props: dict[str, Any] = {
        "names": [{"lang": "en", "text": "St Sargis"}, {"lang": "hy", "text": "Սուրբ Սարգիս"}],
        "location": {"precision": "exact"},
        "type": "church",
        "tradition": "armenian_apostolic",
        "recorded_at": NOW,
        "recorded_by": "tester",
    }
    props.update(properties)
    geometry = props.pop("geometry", {"type": "Point", "coordinates": [46.93, 39.57]})
    return {"type": "Feature", "id": site_id, "geometry": geometry, "properties": props}


def source_doc(source_id: str = "src-chw", **fields: Any) -> dict[str, Any]:
    doc = {
        "id": source_id,
        "kind": "ngo_report",
        "title": "CHW storymap",
        "url": "https://example.org/chw",
        "reliability": "B",
        "recorded_at": NOW,
        "recorded_by": "tester",
    }
    doc.update(fields)
    return doc


def report_doc(report_id: str = "r-1", **fields: Any) -> dict[str, Any]:
    doc = {
        "id": report_id,
        "site": "st-sargis",
        "observed": "2021-10-22",
        "method": "remote_sensing",
        "condition": "intact",
        "sources": [{"source": "src-chw"}],
        "recorded_at": NOW,
        "recorded_by": "tester",
    }
    doc.update(fields)
    return doc


def allegation_doc(allegation_id: str = "a-1", **fields: Any) -> dict[str, Any]:
    doc = {
        "id": allegation_id,
        "claimant": {"name": "Ministry A", "kind": "government", "party": "side-a"},
        "made_on": "2022-07-10",
        "source": {"source": "src-chw", "locator": "p. 2"},
        "sites": ["st-sargis"],
        "acts": ["destruction"],
        "alleged_perpetrator": {"party": "side-b"},
        "summary": "Says the church was destroyed.",
        "recorded_at": NOW,
        "recorded_by": "tester",
    }
    doc.update(fields)
    return doc


def write(path: Path, document: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


@pytest.fixture
def catalogue(tmp_path: Path) -> Catalogue:
    """A valid catalogue: one site, one source, two reports, one allegation."""
    from heritage.codec import decode
    from heritage.models import Allegation, ConditionReport, Site, Source

    root = tmp_path / "cat"
    info = CatalogueInfo(
        name="Test",
        region=(45.0, 38.5, 48.0, 41.0),
        parties=[Party(id="side-a", name="Side A"), Party(id="side-b", name="Side B")],
    )
    cat = Catalogue.create(root, info)
    as_bytes = lambda d: json.dumps(d).encode()  # noqa: E731
    cat.add_site(decode(Site, as_bytes(site_doc())))
    cat.add_source(decode(Source, as_bytes(source_doc())))
    cat.add_report(decode(ConditionReport, as_bytes(report_doc())))
    cat.add_report(
        decode(
            ConditionReport,
            as_bytes(
                report_doc("r-2", observed="2022-03-05/2022-07-06", condition="destroyed", damage_effects=["collapse"])
            ),
        )
    )
    cat.add_allegation(decode(Allegation, as_bytes(allegation_doc())))
    return cat


Invoke = Callable[..., Result]

SAMPLE_FOLDERS = ("sites", "sources", "reports", "allegations", "reviews", "retractions")


def copy_sample(root: Path) -> Path:
    """A copy of the repository's sample catalogue at `root` (made), for tests that change it."""
    root.mkdir(parents=True)
    shutil.copy(REPO / "catalogue.json", root)
    for folder in SAMPLE_FOLDERS:
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, root / folder)
    return root


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A copy of the repository's sample catalogue."""
    return copy_sample(tmp_path / "sample")


@pytest.fixture
def invoke(monkeypatch: pytest.MonkeyPatch) -> Invoke:
    monkeypatch.setenv("HERITAGE_USER", "tester")
    monkeypatch.delenv("HERITAGE_CATALOGUE", raising=False)
    monkeypatch.delenv("COLUMNS", raising=False)  # output as piped, whatever terminal (or xdist worker) runs the tests

    def run(*args: str, catalogue: Path | Catalogue | None = None, input: str | None = None) -> Result:
        prefix: list[str] = []
        if catalogue is not None:
            root = catalogue.root if isinstance(catalogue, Catalogue) else catalogue
            prefix = ["--catalogue", str(root)]
        return CliRunner().invoke(cli, [*prefix, *args], input=input)

    return run


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, once for the whole run (Playwright drives it; nothing is downloaded)."""
    from playwright.sync_api import sync_playwright

    from heritage.browser import CHROMIUM_ARGS, chromium_path

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[tuple[Any, PageLog]]:
    """A fresh tab at a laptop's size, and the log of what it asked for and printed."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    yield tab, watch(tab)
    context.close()


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the catalogue under root, to prove that a failed command wrote nothing. The
    index in .heritage/ is left out: it is a cache of the files, not part of the catalogue."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".heritage" not in p.relative_to(root).parts
    }


__all__ = [
    "REPO",
    "allegation_doc",
    "copy_sample",
    "encode",
    "report_doc",
    "site_doc",
    "snapshot",
    "source_doc",
    "write",
]
