from decimal import Decimal

import factory

from apps.catalog.models import Category, Product, Stock


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        skip_postgeneration_save = True

    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.Sequence(lambda n: f"Product {n}")
    slug = factory.Sequence(lambda n: f"product-{n}")
    description = "A thing worth having."
    category = factory.SubFactory(CategoryFactory)
    price = Decimal("10.00")
    currency = "EUR"
    is_active = True

    @factory.post_generation
    def stock(self, create, extracted, **kwargs):
        if create:
            Stock.objects.create(product=self, on_hand=10 if extracted is None else extracted)
