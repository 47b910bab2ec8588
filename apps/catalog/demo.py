"""A believable demo shop: nested categories, ~60 products with generated images and stock.

Idempotent: rows are found by slug and SKU; an existing product keeps its stock and image.
"""

from __future__ import annotations

import colorsys
import io
import random
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageDraw, ImageFont

from apps.catalog.models import Category, Product
from apps.catalog.services.products import product_create

# (slug, name, parent slug, hue, [(name, price, description)])
CATALOG: list[tuple[str, str, str | None, float, list[tuple[str, str, str]]]] = [
    ("kitchen", "Kitchen", None, 0.07, []),
    (
        "mugs-cups",
        "Mugs & cups",
        "kitchen",
        0.05,
        [
            ("Stoneware mug", "14.00", "A heavy, speckled stoneware mug that keeps coffee hot."),
            (
                "Double-walled glass cup",
                "18.50",
                "Keeps tea hot and fingers cool; dishwasher safe.",
            ),
            ("Enamel camp mug", "12.00", "Chip-resistant enamel for the trail and the balcony."),
            ("Espresso cup pair", "16.00", "Two thick porcelain cups sized for a proper double."),
            ("Travel tumbler", "24.90", "Leak-proof lid, vacuum insulated, fits car cup holders."),
        ],
    ),
    (
        "cookware",
        "Cookware",
        "kitchen",
        0.02,
        [
            ("Cast-iron skillet", "49.00", "Pre-seasoned 26 cm skillet that will outlive you."),
            (
                "Carbon-steel wok",
                "39.00",
                "Heats fast, seasons beautifully, flat base for any hob.",
            ),
            ("Enamelled casserole", "89.00", "A 4-litre pot for stews, bread and Sunday roasts."),
            ("Chef's knife", "65.00", "20 cm German-steel blade with a full tang."),
            ("Oak chopping board", "34.00", "End-grain oak, kind to knives, oiled by hand."),
            (
                "Linen tea towels (set of 3)",
                "22.00",
                "Stonewashed linen that dries glasses streak-free.",
            ),
        ],
    ),
    ("home", "Home", None, 0.58, []),
    (
        "lighting",
        "Lighting",
        "home",
        0.13,
        [
            ("Brass desk lamp", "79.00", "Adjustable arm, warm LED, dimmable with a touch."),
            ("Paper pendant shade", "29.00", "A 45 cm rice-paper globe that softens any bulb."),
            (
                "Rechargeable table lamp",
                "59.00",
                "Cordless, 24 hours per charge, for terraces and tables.",
            ),
            (
                "Beeswax candles (set of 6)",
                "19.00",
                "Hand-dipped, smokeless, smell faintly of honey.",
            ),
            ("Smart bulb E27", "15.90", "Tunable white and colour, works without an account."),
        ],
    ),
    (
        "textiles",
        "Textiles",
        "home",
        0.62,
        [
            ("Wool throw", "95.00", "Merino blend, 130 × 180 cm, herringbone weave."),
            ("Linen cushion cover", "27.00", "50 × 50 cm, hidden zip, washed for softness."),
            ("Waffle bath towel", "32.00", "Quick-drying cotton waffle that gets softer with use."),
            ("Cotton bed sheet", "45.00", "Percale, crisp and cool, double size."),
            ("Jute rug", "120.00", "Hand-braided 160 × 230 cm rug with a natural sheen."),
        ],
    ),
    (
        "outdoors",
        "Outdoors",
        None,
        0.33,
        [
            ("Daypack 22 L", "79.00", "Recycled nylon, laptop sleeve, fits airline limits."),
            (
                "Insulated bottle 750 ml",
                "29.00",
                "Cold for 24 hours, hot for 12, no metallic taste.",
            ),
            ("Camping hammock", "54.00", "Parachute nylon, holds 180 kg, packs to a fist."),
            ("Trail headlamp", "35.00", "400 lumens, red mode, USB-C rechargeable."),
            ("Folding stool", "27.00", "Aluminium frame, 600 g, takes 100 kg."),
            ("Picnic blanket", "42.00", "Waterproof backing, folds into its own strap."),
            ("Merino beanie", "25.00", "Warm, itch-free, machine washable."),
        ],
    ),
    (
        "stationery",
        "Stationery",
        None,
        0.75,
        [
            ("Dot-grid notebook A5", "16.00", "Lay-flat binding, 160 pages of 100 g paper."),
            ("Fountain pen", "42.00", "Steel nib, converter included, writes wet and smooth."),
            ("Brass ruler", "14.00", "15 cm, solid brass, ages to a warm patina."),
            ("Desk organiser", "38.00", "Walnut tray with slots for pens, cards and a phone."),
            ("Weekly planner 2027", "21.00", "Undated-friendly layout with monthly reviews."),
            ("Pencil set (12)", "9.50", "Cedar pencils from 4H to 8B in a tin."),
        ],
    ),
    (
        "tech",
        "Tech accessories",
        None,
        0.52,
        [
            ("USB-C charger 65 W", "45.00", "Three ports, charges a laptop and phone at once."),
            ("Braided cable 2 m", "15.00", "USB-C to USB-C, 100 W, survives 10,000 bends."),
            ("Wireless mouse", "39.00", "Silent clicks, three devices, a year per battery."),
            ("Laptop stand", "59.00", "Aluminium, folds flat, raises the screen to eye level."),
            (
                "Noise-cancelling earbuds",
                "129.00",
                "Eight hours of quiet and a case that charges on a pad.",
            ),
            ("Mechanical keyboard", "109.00", "Hot-swappable switches, aluminium case, USB-C."),
            ("Phone grip stand", "12.00", "Sticks on, folds flat, stands your phone up."),
        ],
    ),
    (
        "garden",
        "Garden",
        None,
        0.27,
        [
            ("Terracotta pot 20 cm", "18.00", "Unglazed, frost resistant, with a saucer."),
            ("Pruning shears", "36.00", "Bypass blades for clean cuts on stems up to 2 cm."),
            ("Herb seed kit", "19.00", "Basil, parsley, thyme and chives with peat-free pots."),
            ("Watering can 5 L", "34.00", "Galvanised steel with a brass rose."),
            ("Kneeling pad", "16.00", "Thick foam that saves knees on stone paths."),
            ("Bird feeder", "28.00", "Squirrel-resistant, easy to clean, holds 1 kg of seed."),
        ],
    ),
    (
        "pantry",
        "Pantry",
        None,
        0.10,
        [
            (
                "Single-origin coffee beans",
                "13.50",
                "Washed Ethiopian, notes of jasmine and peach.",
            ),
            ("Loose-leaf green tea", "11.00", "Sencha from Shizuoka, 100 g in a tin."),
            ("Dark chocolate bar", "4.90", "72 % cacao, nothing else but cocoa butter and sugar."),
            ("Wildflower honey", "9.50", "Raw and unfiltered, from a beekeeper near the shop."),
            ("Olive oil 500 ml", "16.00", "Early-harvest, peppery, cold extracted."),
            ("Sea salt flakes", "6.50", "Pyramid flakes for finishing, 250 g."),
            ("Granola", "8.90", "Oats, almonds and maple, baked in small batches."),
        ],
    ),
]
FEATURED = {
    "cast-iron-skillet", "brass-desk-lamp", "daypack-22-l", "fountain-pen",
    "noise-cancelling-earbuds", "wool-throw", "stoneware-mug", "single-origin-coffee-beans",
}  # fmt: skip


def seed_catalog(*, with_images: bool = True) -> dict[str, int]:
    """Create the demo categories and products; returns counts of what was created."""
    rng = random.Random(7)  # noqa: S311  # demo data, not security
    created = {"categories": 0, "products": 0}
    with transaction.atomic():
        by_slug: dict[str, Category] = {}
        for position, (slug, name, parent, hue, products) in enumerate(CATALOG):
            category, new = Category.objects.get_or_create(
                slug=slug,
                defaults={"name": name, "parent": by_slug.get(parent or ""), "position": position},
            )
            by_slug[slug] = category
            created["categories"] += new
            for index, (product_name, price, description) in enumerate(products):
                sku = f"{slug[:3].upper()}-{index + 1:03d}"
                if Product.objects.filter(sku=sku).exists():
                    continue
                product = product_create(
                    sku=sku, name=product_name, price=Decimal(price), category=category,
                    description=description, on_hand=_stock_level(rng),
                    is_featured=False, image_alt=f"{product_name}, product photo",
                )  # fmt: skip
                product.is_featured = product.slug in FEATURED
                if with_images:
                    product.image.save(
                        f"{sku.lower()}.jpg", _picture(product_name, hue), save=False
                    )
                product.save()
                created["products"] += 1
    return created


def _stock_level(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.1:
        return 0  # sold out
    if roll < 0.25:
        return rng.randint(1, 5)  # low
    return rng.randint(8, 150)


def _picture(name: str, hue: float, size: int = 800) -> ContentFile[bytes]:
    """A soft two-tone product picture with the product's initials: enough to tell cards apart."""
    top = _rgb(hue, 0.35, 0.92)
    bottom = _rgb(hue, 0.55, 0.72)
    image = Image.new("RGB", (size, size), top)
    draw = ImageDraw.Draw(image)
    for y in range(size):
        t = y / size
        draw.line(
            [(0, y), (size, y)],
            fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    ink = _rgb(hue, 0.65, 0.32)
    draw.ellipse([size * 0.2, size * 0.2, size * 0.8, size * 0.8], fill=_rgb(hue, 0.25, 0.97))
    initials = "".join(word[0] for word in name.split()[:2]).upper()
    font = ImageFont.load_default(size=size // 5)
    draw.text((size / 2, size / 2), initials, fill=ink, font=font, anchor="mm")
    label = ImageFont.load_default(size=size // 18)
    draw.text((size / 2, size * 0.9), name, fill=ink, font=label, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=82, optimize=True)
    return ContentFile(buffer.getvalue())


def _rgb(hue: float, saturation: float, value: float) -> tuple[int, int, int]:
    r, g, b = colorsys.hsv_to_rgb(hue, saturation, value)
    return int(r * 255), int(g * 255), int(b * 255)
