"""Shell completion of record ids (heritage.cli.completion), through click's completion API and
through the environment variables the shell scripts set, against the sample catalogue."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.shell_completion import ShellComplete
from click.testing import CliRunner

from conftest import REPO
from heritage.cli import cli


def ids_in(root: Path, folder: str, suffix: str, prefix: str) -> list[str]:
    return sorted(p.name.removesuffix(suffix) for p in (root / folder).glob(f"{prefix}*{suffix}"))


def completions(*words: str, incomplete: str) -> list[str]:
    shell = ShellComplete(cli, {}, "heritage", "_HERITAGE_COMPLETE")
    return [item.value for item in shell.get_completions(list(words), incomplete)]


def test_typing_a_prefix_of_a_site_completes_the_matching_site_ids(sample: Path) -> None:
    expected = ids_in(sample, "sites", ".geojson", "gh")
    assert expected == ["ghazanchetsots-cathedral"]
    assert completions("-C", str(sample), "show", incomplete="gh") == expected
    assert completions("-C", str(sample), "history", incomplete="gh") == expected
    several = ids_in(sample, "sites", ".geojson", "s")
    assert len(several) > 3
    assert completions("-C", str(sample), "dossier", "kanach-zham", incomplete="s") == several
    assert completions("-C", str(sample), "report", "add", "--site", incomplete="s") == several
    assert completions("-C", str(sample), "report", "list", "--site", incomplete="s") == several
    everything = completions("-C", str(sample), "show", incomplete="")
    assert everything == ids_in(sample, "sites", ".geojson", "") and len(everything) == 34
    # What no reader counts as a site is not offered: a half-written file, another suffix, a link.
    (sample / "sites" / ".tmp-ghost.geojson").write_text("{}")
    (sample / "sites" / "ghost.json").write_text("{}")
    (sample / "sites" / "ghost-link.geojson").symlink_to(sample / "sites" / "kanach-zham.geojson")
    assert completions("-C", str(sample), "show", incomplete="gh") == expected
    assert completions("-C", str(sample), "show", incomplete="") == everything


def test_a_list_of_sites_completes_its_last_item(sample: Path) -> None:
    found = completions("-C", str(sample), "mission", "export", "--sites", incomplete="kanach-zham,gh")
    assert found == ["kanach-zham,ghazanchetsots-cathedral"]


def test_source_and_allegation_ids_complete(sample: Path) -> None:
    sources = ids_in(sample, "sources", ".json", "src-un")
    assert sources and completions("-C", str(sample), "source", "show", incomplete="src-un") == sources
    assert completions("-C", str(sample), "report", "add", "--source", incomplete="src-un") == sources
    assert completions("-C", str(sample), "evidence", "add", "x.jpg", "--source", incomplete="src-un") == sources
    claims = ids_in(sample, "allegations", ".json", "a-ag")
    assert claims and completions("-C", str(sample), "allegation", "show", incomplete="a-ag") == claims
    assert completions("-C", str(sample), "allegation", "review", incomplete="a-ag") == claims


def test_the_catalogue_is_found_as_commands_find_it(
    sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HERITAGE_CATALOGUE", raising=False)
    monkeypatch.chdir(sample)
    assert completions("show", incomplete="ag") == ["aghdam-mosque"]
    monkeypatch.chdir(tmp_path)
    assert completions("show", incomplete="ag") == []  # not in a catalogue: nothing
    monkeypatch.setenv("HERITAGE_CATALOGUE", str(sample))
    assert completions("show", incomplete="ag") == ["aghdam-mosque"]


def test_completion_through_the_shell_variables_prints_only_the_ids(sample: Path) -> None:
    env = {"_HERITAGE_COMPLETE": "bash_complete", "COMP_WORDS": f"heritage -C {sample} show ag", "COMP_CWORD": "4"}
    result = CliRunner().invoke(cli, [], env=env, prog_name="heritage")
    assert result.exit_code == 0 and result.stdout == "plain,aghdam-mosque\n" and result.stderr == ""
    script = CliRunner().invoke(cli, [], env={"_HERITAGE_COMPLETE": "bash_source"}, prog_name="heritage")
    assert script.exit_code == 0 and "_HERITAGE_COMPLETE=bash_complete" in script.stdout


def test_completion_never_fails_on_a_broken_catalogue(sample: Path, tmp_path: Path) -> None:
    assert completions("-C", str(tmp_path / "nowhere"), "show", incomplete="") == []
    shutil.rmtree(sample / "sites")
    (sample / "sites").write_text("not a folder")
    assert completions("-C", str(sample), "show", incomplete="") == []
    (sample / "sites").unlink()
    (sample / "sites").symlink_to(REPO / "sites")  # a linked folder is not read, as everywhere
    assert completions("-C", str(sample), "show", incomplete="") == []
