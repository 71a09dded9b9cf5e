"""What pyproject.toml promises to whoever installs heritage: its licence, its classifiers, and a
dependency for every import (and no dependency for one flag)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement

from conftest import REPO

PACKAGE = REPO / "heritage"

# Imported by heritage but installed by a declared dependency that is built on it.
COMES_WITH = {"branca": "folium", "numpy": "shapely", "pydantic-core": "pydantic"}


def pyproject() -> dict[str, Any]:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def names(requirements: list[str]) -> dict[str, Requirement]:
    parsed = [Requirement(line) for line in requirements]
    return {normalise(r.name): r for r in parsed}


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def imports(path: Path) -> set[str]:
    """The top-level modules a file imports, wherever in the file (heritage imports lazily)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"heritage"}


def test_the_licence_is_apache_2_as_an_spdx_expression() -> None:
    project = pyproject()["project"]
    assert project["license"] == "Apache-2.0"  # PEP 639: a string, not the old {text = ...} table
    assert project["license-files"] == ["LICENSE"]
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert text.split()[:4] == ["Apache", "License", "Version", "2.0,"]
    assert "END OF TERMS AND CONDITIONS" in text
    # PEP 639: a licence expression and a licence classifier may not both be given (setuptools refuses).
    assert not [c for c in project["classifiers"] if c.startswith("License ::")]
    # setuptools reads a string licence and license-files from 77.0.3; an older one fails the build.
    (setuptools,) = [r for r in map(Requirement, pyproject()["build-system"]["requires"]) if r.name == "setuptools"]
    assert "77.0.3" in setuptools.specifier and "76.1" not in setuptools.specifier


def test_the_classifiers_say_what_heritage_is() -> None:
    project = pyproject()["project"]
    classifiers = project["classifiers"]
    assert len(classifiers) == len(set(classifiers)) and classifiers == sorted(classifiers)
    assert {
        "Environment :: Console",
        "Operating System :: OS Independent",
        "Topic :: Scientific/Engineering :: GIS",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
    } <= set(classifiers)
    assert [c for c in classifiers if c.startswith("Development Status :: ")]
    assert [c for c in classifiers if c.startswith("Intended Audience :: ")]
    # No Python version claimed that requires-python excludes.
    oldest = tuple(int(n) for n in project["requires-python"].removeprefix(">=").split("."))
    for classifier in classifiers:
        if version := re.fullmatch(r"Programming Language :: Python :: (\d+)\.(\d+)", classifier):
            assert (int(version[1]), int(version[2])) >= oldest, classifier


def test_every_import_in_the_package_is_a_declared_dependency() -> None:
    """A module heritage imports is installed by `pip install heritage` itself: Pillow reads the
    photos' EXIF, so it is a dependency of its own, not something matplotlib happens to bring."""
    project = pyproject()["project"]
    required = names(project["dependencies"])
    extras = {extra: names(lines) for extra, lines in project["optional-dependencies"].items()}
    distributions = packages_distributions()
    for path in sorted(PACKAGE.rglob("*.py")):
        for module in imports(path):
            provided = {normalise(d) for d in distributions.get(module, [module])}
            where = f"{path.relative_to(REPO)} imports {module} ({', '.join(sorted(provided))})"
            if module == "matplotlib":
                assert path == PACKAGE / "chart.py", f"{where}: matplotlib is the `chart` extra, for one flag"
                assert "matplotlib" in extras["chart"] and "matplotlib" not in required
            elif module == "playwright":  # tests and scripts only: "the library itself never imports" it
                assert path == PACKAGE / "browser.py" and "playwright" in extras["test"], where
            else:
                assert {COMES_WITH.get(name, name) for name in provided} & required.keys(), where
    assert "pillow" in required


def test_the_test_extra_brings_the_chart_extra() -> None:
    """The chart tests draw PNG and SVG with matplotlib: `pip install -e '.[test]'` must bring it."""
    test = [Requirement(line) for line in pyproject()["project"]["optional-dependencies"]["test"]]
    assert [r for r in test if r.name == "heritage" and r.extras == {"chart"}]
