"""The pages of the dashboard: files ``dashboard/pages/<order>_<Title>.py``."""

from __future__ import annotations

import re
from pathlib import Path

PAGES_DIR = Path(__file__).resolve().parent / "pages"
_NAME = re.compile(r"^(\d+)_(.+)$")


def _parts(path: Path) -> re.Match[str]:
    match = _NAME.match(path.stem)
    if match is None:
        raise ValueError(f"{path.name} is not a page: pages are named <order>_<Title>.py")
    return match


def page_files() -> list[Path]:
    """Page scripts in order of their number prefix."""
    found = [p for p in PAGES_DIR.glob("*.py") if _NAME.match(p.stem)]
    return sorted(found, key=lambda p: (int(_parts(p).group(1)), p.stem))


def page_title(path: Path) -> str:
    """``2_Start-up_support.py`` -> ``Start-up support``."""
    return _parts(path).group(2).replace("_", " ")
