"""A checkout that died half-way heals by itself."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.catalog.models import Reservation, Stock
from apps.catalog.services.stock import reservations_release_expired
from apps.orders.models import Order
from apps.orders.services.actions import orders_expire
from contracts.catalog.dto import StockLine
from contracts.catalog.service import catalog_service

pytestmark = pytest.mark.django_db


def test_unpaid_orders_past_their_hold_are_cancelled_and_their_stock_released(place, mug, lamp):
    stale = place({mug: 2})
    fresh = place({lamp: 1})
    Order.objects.filter(pk=stale.pk).update(reservation_expires_at=timezone.now() - timedelta(1))

    assert orders_expire() == 1
    assert orders_expire() == 0

    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert (stale.status, fresh.status) == ("cancelled", "pending_payment")
    assert stale.timeline.last().reason == "not paid in time"
    assert Stock.objects.get(pk=mug.pk).reserved == 0
    assert Stock.objects.get(pk=lamp.pk).reserved == 1


def test_a_checkout_killed_after_reserving_leaves_nothing_held_past_expiry(mug):
    catalog_service().reserve_stock((StockLine(mug.pk, 3),), "checkout:1:killed-checkout", 60)
    Reservation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    reservations_release_expired()

    assert Stock.objects.get(pk=mug.pk).reserved == 0
    assert not Order.objects.exists()
