"""`python -m bench.fill N`: N products in 20 categories, with stock, as fast as bulk inserts go."""

from __future__ import annotations

import random
import sys
from decimal import Decimal

import django


def main(count: int) -> None:
    django.setup()
    from apps.catalog.models import Category, Product, Stock

    rng = random.Random(1)  # noqa: S311  # benchmark data
    words = [
        "oak",
        "linen",
        "brass",
        "stone",
        "wool",
        "steel",
        "glass",
        "cotton",
        "walnut",
        "copper",
        "lamp",
        "mug",
        "bowl",
        "chair",
    ]
    roots = [
        Category.objects.create(name=f"Shelf {n}", slug=f"shelf-{n}", position=n) for n in range(5)
    ]
    leaves = [
        Category.objects.create(name=f"Aisle {n}", slug=f"aisle-{n}", parent=roots[n % 5])
        for n in range(15)
    ]
    batch = []
    for n in range(count):
        name = f"{rng.choice(words).title()} {rng.choice(words)} {n}"
        price = Decimal(rng.randint(300, 25000)) / 100
        batch.append(
            Product(
                sku=f"B-{n:06d}", name=name, slug=f"b-{n:06d}", price=price,
                category=rng.choice(leaves), description=f"A {name.lower()} made to last. " * 3,
                is_featured=n % 97 == 0,
            )
        )  # fmt: skip
    Product.objects.bulk_create(batch, batch_size=2000)
    ids = list(Product.objects.values_list("pk", flat=True))
    Stock.objects.bulk_create(
        [Stock(product_id=pid, on_hand=rng.choice((0, 3, 40, 120))) for pid in ids], batch_size=5000
    )
    print(f"filled {count} products")  # noqa: T201


if __name__ == "__main__":
    main(int(sys.argv[1]))
