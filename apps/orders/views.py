"""Shopper pages of orders: checkout, confirmation, history, detail."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def checkout(request: HttpRequest) -> HttpResponse:
    return render(request, "orders/checkout.html", {})
