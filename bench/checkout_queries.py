"""Queries per add-to-cart and per place-order, measured in-process (`bench.checkout` runs it).

The calls are the benchmark's own: a new line in the shopper's (empty) cart, then the order.
Adding more of a line already in the cart is measured too. `--sql` prints the statements.
"""

from __future__ import annotations

import json
import sys
import uuid

import django


def main(show_sql: bool = False) -> None:
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

    def add(product: int) -> None:
        response = client.post(
            "/api/v1/cart/items/", {"product_id": product, "quantity": 1}, format="json"
        )
        assert response.status_code in (200, 201), response.content

    def order() -> None:
        response = client.post("/api/v1/orders/", {"address_id": address}, format="json",
                               HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)  # fmt: skip
        assert response.status_code == 201, response.content

    add(product)  # warm up: the shopper's cart exists from now on, and the order empties it
    order()
    with CaptureQueriesContext(connection) as new_line:
        add(product)
    with CaptureQueriesContext(connection) as more:
        add(product)
    with CaptureQueriesContext(connection) as placed:
        order()
    captured = {"add": new_line, "add_more": more, "order": placed}
    if show_sql:
        for name, queries in captured.items():
            print(f"-- {name}: {len(queries)}", file=sys.stderr)  # noqa: T201
            for query in queries.captured_queries:
                print(query["sql"], file=sys.stderr)  # noqa: T201
    print(json.dumps({name: len(queries) for name, queries in captured.items()}))  # noqa: T201


if __name__ == "__main__":
    main(show_sql="--sql" in sys.argv)
