"""Where finfacts keeps data: bundled reference files and the user's working data folder."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_REPO_DATA = _PACKAGE.parent / "data"
_WHEEL_DATA = _PACKAGE / "_bundled"


def data_dir() -> Path:
    """The working data folder (caches, exports): $FINFACTS_DATA_DIR, else the checkout's data/."""
    env = os.environ.get("FINFACTS_DATA_DIR")
    if env:
        return Path(env)
    if _REPO_DATA.is_dir():
        return _REPO_DATA
    return Path.cwd() / "data"


def bundled_path(relative: str) -> Path:
    """A read-only file shipped with finfacts (companies.csv, prices/...), checkout or wheel."""
    for root in (_REPO_DATA, _WHEEL_DATA):
        candidate = root / relative
        if candidate.exists():
            return candidate
    return _REPO_DATA / relative
