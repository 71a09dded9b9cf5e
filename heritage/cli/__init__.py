"""The `heritage` command: a thin shell over the library (after sqlite-utils).

Each command opens the catalogue, calls one library function and prints; library errors become
one line on stderr and an exit code. Nothing here is imported by the library.
"""

from __future__ import annotations

from heritage.cli import allegations, browse, evidence_cmd, import_cmd, integrity, mission_cmd, records, setup, timeline  # noqa: F401  (each registers its commands)
from heritage.cli.app import ExitCode, cli, main

__all__ = ["ExitCode", "cli", "main"]
