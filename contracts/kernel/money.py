"""Money: a Decimal amount and an ISO 4217 currency. Floats are refused everywhere."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import NewType

from contracts.kernel.errors import InvalidRequest

Currency = NewType("Currency", str)

# ISO 4217 exponents that differ from the usual two decimal places.
_MINOR_UNITS: dict[str, int] = {
    "BHD": 3, "CLP": 0, "ISK": 0, "JOD": 3, "JPY": 0, "KRW": 0, "KWD": 3, "OMR": 3,
    "TND": 3, "UGX": 0, "VND": 0, "XAF": 0, "XOF": 0,
}  # fmt: skip
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥"}


class CurrencyMismatch(InvalidRequest):
    """Two amounts in different currencies were combined."""

    code = "currency_mismatch"


def minor_units(currency: str) -> int:
    """How many decimal places `currency` uses (2 unless ISO 4217 says otherwise)."""
    return _MINOR_UNITS.get(currency, 2)


@dataclass(frozen=True, slots=True, order=False)
class Money:
    """An exact amount of one currency, rounded to that currency's minor unit.

    Accepts a Decimal, an int or a decimal string for `amount`; refuses floats, NaN and infinity.
    Arithmetic only combines equal currencies (else `CurrencyMismatch`).
    """

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        amount: Decimal | int | str | float = self.amount
        if isinstance(amount, float | bool):
            raise TypeError("Money refuses floats and bools: pass a Decimal, int or str")
        if not _CURRENCY.match(self.currency or ""):
            raise InvalidRequest(f"{self.currency!r} is not an ISO 4217 currency code")
        try:
            value = Decimal(amount) if not isinstance(amount, Decimal) else amount
        except (InvalidOperation, TypeError, ValueError):
            raise InvalidRequest(f"{amount!r} is not an amount of money") from None
        if not value.is_finite():
            raise InvalidRequest(f"{amount!r} is not an amount of money")
        exponent = Decimal(1).scaleb(-minor_units(self.currency))
        object.__setattr__(self, "amount", value.quantize(exponent, rounding=ROUND_HALF_EVEN))

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    @classmethod
    def from_minor(cls, units: int, currency: str) -> Money:
        """Build from an integer count of minor units (cents), as payment gateways speak."""
        return cls(Decimal(units).scaleb(-minor_units(currency)), currency)

    def to_minor(self) -> int:
        """The amount as an integer count of minor units (cents)."""
        return int(self.amount.scaleb(minor_units(self.currency)))

    def _same(self, other: object) -> Money:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(f"cannot combine {self.currency} with {other.currency}")
        return other

    def __add__(self, other: Money) -> Money:
        return Money(self.amount + self._same(other).amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.amount - self._same(other).amount, self.currency)

    def __mul__(self, factor: int | Decimal) -> Money:
        if isinstance(factor, float | bool) or not isinstance(factor, int | Decimal):
            raise TypeError("Money can be multiplied by an int or a Decimal only")
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        return self.amount < self._same(other).amount

    def __le__(self, other: Money) -> bool:
        return self.amount <= self._same(other).amount

    def __gt__(self, other: Money) -> bool:
        return self.amount > self._same(other).amount

    def __ge__(self, other: Money) -> bool:
        return self.amount >= self._same(other).amount

    def __bool__(self) -> bool:
        return bool(self.amount)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"

    def format(self) -> str:
        """For people: ``€1,234.50``, ``$5.00``, ``¥500``, or ``12.00 CHF``."""
        symbol = _SYMBOLS.get(self.currency)
        digits = minor_units(self.currency)
        number = f"{abs(self.amount):,.{digits}f}"
        sign = "-" if self.amount < 0 else ""
        return f"{sign}{symbol}{number}" if symbol else f"{sign}{number} {self.currency}"
