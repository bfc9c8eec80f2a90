"""finfacts: typed, exact money, percent and share-move facts from financial news."""

from finfacts import accessor as _accessor  # noqa: F401 (registers df.finfacts)
from finfacts.errors import FinfactsError, InputError, MissingPriceError, MissingRateError
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
]
__version__ = "0.1.0"
