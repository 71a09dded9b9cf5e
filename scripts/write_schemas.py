"""Write the JSON Schemas of the catalogue's files into schemas/, made from the models.

    python scripts/write_schemas.py [--out schemas]

Run it after changing a model: tests/test_schemas.py fails while the committed schemas differ
from what the models give. What the schemas say, and why, is in heritage/schemas.py.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from heritage.atomic import replace_file
from heritage.schemas import FOLDER, schema_files

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / FOLDER, help="the folder to write (default: schemas/)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    files = schema_files()
    for name, data in files.items():
        target = args.out / name
        if not target.exists() or target.read_bytes() != data:
            replace_file(target, data)
            print(f"wrote {target}")
    stale = sorted(p.name for p in args.out.glob("*.schema.json") if p.name not in files)
    for name in stale:
        print(f"not made by the models any more (remove it if no one needs it): {args.out / name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
