"""Queries per add-to-cart and per place-order, measured in-process (`bench.checkout` runs it)."""

from __future__ import annotations

import json
import uuid

import django


def main() -> None:
    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    token = Token.objects.select_related("user").first()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    product = json.loads(client.get("/api/v1/products/?page_size=1").content)["results"][0]["id"]
    address = token.user.addresses.first().pk
    client.post("/api/v1/cart/items/", {"product_id": product, "quantity": 1}, format="json")
    with CaptureQueriesContext(connection) as add:
        client.post("/api/v1/cart/items/", {"product_id": product, "quantity": 1}, format="json")
    with CaptureQueriesContext(connection) as order:
        response = client.post("/api/v1/orders/", {"address_id": address}, format="json",
                               HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)  # fmt: skip
    assert response.status_code == 201, response.content
    print(json.dumps({"add": len(add.captured_queries), "order": len(order.captured_queries)}))  # noqa: T201


if __name__ == "__main__":
    main()
