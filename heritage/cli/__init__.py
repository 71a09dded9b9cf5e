"""The `heritage` command: a thin shell over the library (after sqlite-utils).

Each command opens the catalogue, calls one library function and prints; library errors become
one line on stderr and an exit code. Nothing here is imported by the library.
"""

from __future__ import annotations

from heritage.cli import (  # noqa: F401  (each registers its commands)
    allegations,
    browse,
    custody_cmd,
    evidence_cmd,
    export_cmd,
    form_cmd,
    import_cmd,
    integrity,
    map_cmd,
    mission_cmd,
    reading,
    records,
    settings_cmd,
    setup,
    timeline,
    verification_cmd,
)
from heritage.cli.app import ExitCode, cli, main

__all__ = ["ExitCode", "cli", "main"]
