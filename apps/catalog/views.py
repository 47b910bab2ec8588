"""Shopper pages of the catalog: home, product lists with search and filters, product page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from apps.catalog import selectors
from apps.catalog.cache import cached, cached_briefly
from apps.catalog.forms import ProductFilterForm
from apps.catalog.models import Category

PAGE_SIZE = 24
MISSING = "missing"  # cached too, so unknown slugs cost no query either


def home(request: HttpRequest) -> HttpResponse:
    def content() -> str:
        tree = cached("tree", selectors.category_tree, ttl=300)
        context = {
            "categories": [c for c in tree if c.parent_id is None],
            "featured": selectors.featured_products(),
        }
        return render_to_string("catalog/home.html#content", context, request)

    return render(request, "catalog/home.html", {"content": cached("home", content)})


def product_list(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """All products, or one category's (with its sub-categories), filtered and paginated.

    At most three queries whatever the page size (the categories, the count, the page), and
    none while the rendered page is cached: on a hit nothing is parsed or queried at all."""
    tree = cached("tree", selectors.category_tree, ttl=300)
    category = None
    if slug is not None:
        category = next((c for c in tree if c.slug == slug), None)
        if category is None:
            raise Http404("No such category.")
    # Empty fields and their order do not change the page: leave them out of the cache key.
    query = urlencode(sorted((k, v) for k, v in request.GET.items() if v))
    form = Lazy(lambda: _filter_form(request, tree))

    def results() -> str:
        filters = form.value.filters(category=category)
        products = selectors.product_list(filters).defer(*selectors.CARD_DEFERRED)
        page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
        context = {"page": page, "searching": bool(filters.q), "query": filters.q}
        return render_to_string("catalog/product_list.html#results", context, request)

    if request.htmx and not request.htmx.boosted:
        return HttpResponse(cached("results", results, request.path, query))

    def content() -> str:
        context = {
            "form": form.value,
            "category": category,
            "categories": tree,
            "results": cached("results", results, request.path, query),
        }
        return render_to_string("catalog/product_list.html#content", context, request)

    # Everything below the header is the same for every shopper: one cache hit renders it.
    context = {
        "content": cached("page", content, request.path, query),
        "category": category,
        "query": request.GET.get("q", "")[:100],
    }
    return render(request, "catalog/product_list.html", context)


def _filter_form(request: HttpRequest, tree: list[Category]) -> ProductFilterForm:
    form = ProductFilterForm(request.GET or None, categories=tree)
    form.is_valid()
    return form


class Lazy[T]:
    """A value built on first use (the filter form is only needed when the cache misses)."""

    def __init__(self, build: Callable[[], T]) -> None:
        self._build = build

    @cached_property
    def value(self) -> T:
        return self._build()


@dataclass(frozen=True)
class ProductPage:
    """What the product page shows the same to every visitor, rendered once (cached)."""

    id: int
    name: str
    breadcrumbs: str
    gallery: str
    summary: str
    description: str


def _product_page(slug: str) -> ProductPage | str:
    product = selectors.product_for_page(slug)
    if product is None:
        return MISSING

    def part(name: str) -> str:
        return render_to_string(f"catalog/product_detail.html#{name}", {"product": product})

    return ProductPage(
        id=product.pk, name=product.name, breadcrumbs=part("breadcrumbs"), gallery=part("gallery"),
        summary=part("summary"), description=part("description"),
    )  # fmt: skip


def product_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The product page: what is the same for everyone is cached like the lists' pages, its
    availability is at most AVAILABILITY_SECONDS old (apps.catalog.cache), and only the
    add-to-cart form (with the visitor's CSRF token) is rendered per request. No query while
    both are cached; adding to the cart checks the stock live whatever the page said."""
    page = cached("product-page", lambda: _product_page(slug), slug)
    if not isinstance(page, ProductPage):  # MISSING: unknown slugs are cached too
        raise Http404("No such product.")
    available = cached_briefly("available", lambda: selectors.available(page.id), str(page.id))
    return render(request, "catalog/product_detail.html", {"page": page, "available": available})
