"""The project's promises about itself: two set-up commands, CI runs the second, code is clean."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO


def setup_commands() -> list[str]:
    """The README's first two commands (the first code block under 'Set up')."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = text.split("```", 2)[1]
    commands = [line.strip() for line in block.splitlines()[1:] if line.strip() and not line.startswith("#")]
    return commands


def test_the_readme_opens_with_the_two_commands() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert text.index("```") < text.index("\n## ", text.index("## Set up") + 1)
    main_job, tests = setup_commands()
    assert main_job.startswith("python3 -m pip install . &&") and "heritage" in main_job
    assert tests.startswith("python3 -m pip install -e '.[test]' &&") and tests.endswith("python3 -m pytest")


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert setup_commands()[1] in ci.splitlines()


def test_the_main_job_renders_the_sample_map(tmp_path: Path) -> None:
    """The first command, less the install (the package is installed to run these tests), run in a
    copy of the repository's catalogue so that the test leaves nothing behind."""
    for name in ("catalogue.json", "sites", "sources", "reports", "allegations"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, tmp_path / name)
    job = shlex.split(setup_commands()[0].split("&&", 1)[1])
    assert job[0] == "heritage"
    # The command of this interpreter's package, not whichever `heritage` comes first on PATH.
    command = [sys.executable, "-m", "heritage", *job[1:]]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "33 sites on the map, 1 without location" in result.stdout
    page = (tmp_path / "maps" / "index.html").read_text(encoding="utf-8")
    assert 'id="heritage-data"' in page and "Ghazanchetsots" in page


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "heritage", "tests", "scripts"],
        ["ruff", "format", "--check", "heritage", "tests", "scripts"],
        [sys.executable, "-m", "mypy", "heritage"],
    ],
    ids=["ruff-check", "ruff-format", "mypy"],
)
def test_code_is_clean(command: list[str]) -> None:
    if command[0] == "ruff":
        command[0] = shutil.which("ruff") or "ruff"
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
