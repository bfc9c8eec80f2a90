"""The typed facts finfacts extracts: frozen, slotted, exact (Decimal) records.

Every record carries where it came from (``doc_id``, half-open ``start``/``end``
offsets with ``text[start:end] == surface``) and the sentence it sits in, so a
reader can always check a fact against its source.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Literal

if TYPE_CHECKING:  # pint is imported lazily: extraction never needs it
    import pint

Direction = Literal["up", "down", "flat"]
PercentUnit = Literal["percent", "percentage_point", "basis_point"]
Instrument = Literal["stock", "index"]


@dataclass(frozen=True, slots=True)
class Fact:
    """Fields common to every fact: provenance and context."""

    kind: ClassVar[str] = "fact"

    doc_id: str | None
    start: int
    end: int
    surface: str
    sentence: str

    def to_dict(self) -> dict[str, Any]:
        """A plain dict of the record's fields plus ``kind`` (values keep their types)."""
        out = {"kind": self.kind}
        out.update(asdict(self))
        return out

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


@dataclass(frozen=True, slots=True)
class Money(Fact):
    """A monetary amount: "about 2 trillion yen", "US$21.05 billion", "billions of dollars".

    ``value`` is None for a vague amount. ``value_high`` closes a range. ``currency`` is
    an ISO 4217 code. ``equivalent_of`` is the index, among this document's Money
    records, of the amount this one restates ("INR 103 billion (USD 1.25 billion)").
    """

    kind: ClassVar[str] = "money"

    value: Decimal | None
    currency: str | None
    value_high: Decimal | None = None
    approx: bool = False
    qualifier: str | None = None
    vague: bool = False
    equivalent_of: int | None = None

    @property
    def quantity(self) -> pint.Quantity:
        """The amount as a pint Quantity in finfacts' currency registry."""
        from finfacts.units import money_quantity

        return money_quantity(self)


@dataclass(frozen=True, slots=True)
class Percent(Fact):
    """A percentage, percentage-point or basis-point figure that is not a share move."""

    kind: ClassVar[str] = "percent"

    value: Decimal | None
    unit: PercentUnit = "percent"
    value_high: Decimal | None = None
    approx: bool = False
    qualifier: str | None = None
    about: str | None = None


@dataclass(frozen=True, slots=True)
class ShareMove(Fact):
    """A reported move of a share or index: "NEC fell 3.6%", "SoftBank ... little changed".

    ``change_pct`` is signed and None when the text gives only a direction. ``price``
    is the level the move ended at ("to close at ¥1,927") in ``price_currency``.
    """

    kind: ClassVar[str] = "move"

    entity: str
    change_pct: Decimal | None
    direction: Direction
    company: str | None = None
    ticker: str | None = None
    exchange: str | None = None
    instrument: Instrument = "stock"
    approx: bool = False
    price: Decimal | None = None
    price_currency: str | None = None
    event_date: date | None = None


@dataclass(frozen=True, slots=True)
class Quantity(Fact):
    """A non-money measure ("10,000 GPUs", "1.2 gigawatts", "18–24 months").

    ``unit`` is a pint unit name ("count" for counted things, whose noun is ``what``).
    """

    kind: ClassVar[str] = "quantity"

    value: Decimal
    unit: str
    value_high: Decimal | None = None
    what: str | None = None
    approx: bool = False

    @property
    def quantity(self) -> pint.Quantity:
        """The measure as a pint Quantity in finfacts' registry."""
        from finfacts.units import quantity_of

        return quantity_of(self)


Record = Money | Percent | ShareMove | Quantity
RECORD_TYPES: tuple[type[Fact], ...] = (Money, Percent, ShareMove, Quantity)
