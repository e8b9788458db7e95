"""The pages of the dashboard: files ``dashboard/pages/<order>_<Title>.py``."""

from __future__ import annotations

import re
from pathlib import Path

PAGES_DIR = Path(__file__).resolve().parent / "pages"
_NAME = re.compile(r"^(\d+)_(.+)$")


def page_files() -> list[Path]:
    """Page scripts in order of their number prefix."""
    found = [p for p in PAGES_DIR.glob("*.py") if _NAME.match(p.stem)]
    return sorted(found, key=lambda p: (int(_NAME.match(p.stem).group(1)), p.stem))


def page_title(path: Path) -> str:
    """``2_Start-up_support.py`` -> ``Start-up support``."""
    return _NAME.match(path.stem).group(2).replace("_", " ")
