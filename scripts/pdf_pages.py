"""Render a PDF's pages to PNG with pdftoppm (Debian's poppler-utils), to look at them.

python scripts/pdf_pages.py maps/dossiers/kanach-zham.pdf docs/dossier [--dpi 80] [--first 1 --last 2]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pdf", type=Path)
    parser.add_argument("prefix", type=Path, help="PNG files are written as PREFIX-1.png, PREFIX-2.png...")
    parser.add_argument("--dpi", type=int, default=80)
    parser.add_argument("--first", type=int)
    parser.add_argument("--last", type=int)
    args = parser.parse_args()
    if shutil.which("pdftoppm") is None:
        sys.exit("pdftoppm is not installed: apt-get install poppler-utils")
    command = ["pdftoppm", "-png", "-r", str(args.dpi)]
    if args.first:
        command += ["-f", str(args.first)]
    if args.last:
        command += ["-l", str(args.last)]
    args.prefix.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([*command, str(args.pdf), str(args.prefix)], check=True)
    print("\n".join(sorted(str(p) for p in args.prefix.parent.glob(f"{args.prefix.name}-*.png"))))


if __name__ == "__main__":
    main()
