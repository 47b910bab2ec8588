"""Carts and their lines. Products and customers live in other apps: referenced by id only."""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

MAX_QUANTITY = 99


class Cart(models.Model):
    """A shopper's cart: anonymous (its id kept in the session) or a signed-in customer's one.

    `customer_id` is the accounts user id (no foreign key across apps); a customer has at most
    one cart, which the database enforces."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    customer_id = models.BigIntegerField("customer id", null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-updated_at",)

    def __str__(self) -> str:
        owner = f"customer {self.customer_id}" if self.customer_id else "anonymous"
        return f"Cart {str(self.id)[:8]} ({owner})"


class CartLine(models.Model):
    """So many of one catalog product, with the price the shopper last agreed to."""

    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    product_id = models.BigIntegerField("product id")  # the catalog's id, no foreign key
    quantity = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_QUANTITY)]
    )
    added_price = models.DecimalField(max_digits=12, decimal_places=2)
    added_currency = models.CharField(max_length=3)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("created_at", "id")
        constraints = [
            models.UniqueConstraint(
                fields=("cart", "product_id"), name="cart_one_line_per_product"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1, quantity__lte=MAX_QUANTITY),
                name="cart_line_quantity_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × product {self.product_id}"
