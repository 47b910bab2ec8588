from decimal import Decimal

import pytest

from contracts.kernel.errors import InvalidRequest
from contracts.kernel.money import CurrencyMismatch, Money


def test_amounts_are_rounded_to_the_currency_minor_unit_half_even():
    assert Money(Decimal("10.005"), "EUR").amount == Decimal("10.00")
    assert Money(Decimal("10.015"), "EUR").amount == Decimal("10.02")
    assert Money(Decimal("1234.5"), "JPY").amount == Decimal("1234")
    assert Money("3.1415", "KWD").amount == Decimal("3.142")


def test_floats_and_bools_are_refused():
    with pytest.raises(TypeError, match="float"):
        Money(19.99, "EUR")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(True, "EUR")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money("1", "EUR") * 1.5  # type: ignore[operator]


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "ten", ""])
def test_non_numbers_are_refused_with_a_contract_error(amount):
    with pytest.raises(InvalidRequest):
        Money(amount, "EUR")  # type: ignore[arg-type]


@pytest.mark.parametrize("currency", ["eur", "EURO", "", "E1R"])
def test_currency_must_be_an_iso_code(currency):
    with pytest.raises(InvalidRequest, match="ISO 4217"):
        Money("1.00", currency)


def test_arithmetic_keeps_the_currency_and_is_exact():
    price = Money("19.99", "EUR")
    assert price * 3 == Money("59.97", "EUR")
    assert 3 * price == Money("59.97", "EUR")
    assert price + Money("0.01", "EUR") == Money("20.00", "EUR")
    assert price - Money("20", "EUR") == Money("-0.01", "EUR")
    assert sum((Money("0.10", "EUR") for _ in range(10)), Money.zero("EUR")) == Money("1", "EUR")


def test_mixing_currencies_is_an_error_with_a_stable_code():
    with pytest.raises(CurrencyMismatch) as caught:
        _ = Money("1", "EUR") + Money("1", "USD")
    assert caught.value.code == "currency_mismatch"
    with pytest.raises(CurrencyMismatch):
        _ = Money("1", "EUR") < Money("2", "USD")


def test_minor_units_round_trip_for_gateways():
    assert Money("19.99", "EUR").to_minor() == 1999
    assert Money.from_minor(1999, "EUR") == Money("19.99", "EUR")
    assert Money.from_minor(500, "JPY").to_minor() == 500


def test_comparison_and_truthiness():
    assert Money("1", "EUR") < Money("1.01", "EUR") <= Money("1.01", "EUR")
    assert not Money.zero("EUR")
    assert str(Money("5", "EUR")) == "5.00 EUR"
