"""finfacts: typed, exact money, percent and share-move facts from financial news.

``finfacts.extract(text)`` gives typed records; ``finfacts.extract_frame(docs)`` the tidy
pandas frame. Importing finfacts also registers the ``df.finfacts`` pandas accessor.
"""

from finfacts import accessor as _accessor  # noqa: F401 (registers df.finfacts)
from finfacts.entities import register_companies
from finfacts.errors import FinfactsError, InputError, MissingPriceError, MissingRateError
from finfacts.extract import extract, extract_with_errors
from finfacts.records import Money, Percent, Quantity, ShareMove

__all__ = [
    "FinfactsError",
    "InputError",
    "MissingPriceError",
    "MissingRateError",
    "Money",
    "Percent",
    "Quantity",
    "ShareMove",
    "extract",
    "extract_frame",
    "extract_with_errors",
    "read_documents",
    "register_companies",
]
__version__ = "0.1.0"

_LAZY = {"extract_frame": "finfacts.frame", "read_documents": "finfacts.io"}


def __getattr__(name: str):
    """``extract_frame`` and ``read_documents`` load pandas; import them only when used."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'finfacts' has no attribute {name!r}")
