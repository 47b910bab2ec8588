"""The split topology: which process owns which tables and which public addresses.

The one source of truth for running the shop as six services. The same code runs everywhere;
`MICROSTORE_ROLE` (settings) names the service a process runs, and unset it is the monolith,
which owns everything. From this table

- the database router (`microstore.dbrouter`) lets `migrate` create in a service's database only
  that service's tables plus the shared ones, and
- `manage.py gateway_config` (`microstore.gateway`) routes every URL of the monolith's resolver
  to the process that owns it.

Decisions (the README's "Split topology" says the same for people):

- **accounts owns the users** and everything that points at them: auth (users, groups,
  permissions), allauth's e-mail addresses and confirmations, DRF tokens and the admin's log
  (`LogEntry` has a foreign key to the user). Its database therefore also keeps the content types
  and permissions of *every* model: they are the shop's catalogue of staff rights.
- accounts also hosts **the admin's shell** (index, login, logout, password change, the
  catch-all): it is the only process that can check a password and read the admin log. Each
  model's admin pages, `/admin/<app_label>/...`, go to the process that owns that app's tables.
- accounts hosts **the information pages** (`/pages/`, flatpages) because flatpages hangs on
  `django.contrib.sites`, which allauth reads too: one Site row for the shop, in one database.
- catalog is **the front**: the home page is its view, `/media/` holds its product images, and
  it calls no other service, so the shop-wide pages that belong to no app (the ops dashboard,
  health, metrics, the API schema and docs, the service registry, the theme switch, `/static/`)
  and every address the shop does not know (its 404 page) stay up whenever the storefront is.
- **every process has** its own outbox, task queue, ops samples and errors, content types and
  sessions table (`SHARED_APPS`): what a process needs to publish, run its tasks and record its
  figures, whatever service it runs.
- `/internal/` (contract calls between services) is never routed by the public gateway.
"""

from __future__ import annotations

from dataclasses import dataclass

SERVICE_NAMES = ("catalog", "accounts", "cart", "orders", "payments", "notifications")


@dataclass(frozen=True)
class Service:
    """One process of the split shop.

    `apps`: the app labels whose tables live only in its database (and whose admin pages,
    `/admin/<app_label>/...`, its process answers). `modules`: the packages whose views its
    process answers, wherever the URL conf mounts them.
    """

    name: str
    apps: tuple[str, ...]
    modules: tuple[str, ...]


SERVICES: dict[str, Service] = {
    service.name: service
    for service in (
        Service("catalog", apps=("catalog",), modules=("apps.catalog", "django.views.static")),
        Service(
            "accounts",
            apps=("accounts", "auth", "account", "authtoken", "admin", "sites", "flatpages"),
            modules=("apps.accounts", "allauth", "django.contrib.flatpages"),
        ),
        Service("cart", apps=("cart",), modules=("apps.cart",)),
        Service("orders", apps=("orders",), modules=("apps.orders",)),
        Service("payments", apps=("payments",), modules=("apps.payments",)),
        Service("notifications", apps=("notifications",), modules=("apps.notifications",)),
    )
}
if tuple(SERVICES) != SERVICE_NAMES:
    raise RuntimeError("microstore.topology: SERVICES and SERVICE_NAMES disagree")

# Tables every process has, each in its own database. `microstore` has no tables, only the data
# migration of the information pages, which writes only where flatpages and sites live.
SHARED_APPS = (
    "contenttypes",
    "sessions",
    "outbox",
    "ops",
    "django_tasks_database",
    "microstore",
)

# The process answering the shop-wide addresses that belong to no app (`microstore.*`,
# drf-spectacular's schema and docs, /static/) and every address the shop does not know.
FRONT = "catalog"
# Where the admin's own pages (index, login, the catch-all) and the shared apps' admin live.
ADMIN_HOST = "accounts"
# Code whose URLs are for the services themselves, never for the public.
INTERNAL_MODULES = ("microstore.transport",)
# The admin's URL prefix (as in microstore/urls.py): /admin/<app_label>/ is that app's owner's.
ADMIN_PREFIX = "admin/"


def service(name: str) -> Service:
    """The service named `name`; KeyError names the known ones."""
    try:
        return SERVICES[name]
    except KeyError:
        raise KeyError(f"unknown service {name!r}; known: {list(SERVICES)}") from None


def app_owner(app_label: str) -> str | None:
    """The service whose database holds `app_label`'s tables; None for a shared app (and for an
    app the topology does not place, which `tests/microstore/test_topology.py` forbids)."""
    for candidate in SERVICES.values():
        if app_label in candidate.apps:
            return candidate.name
    return None


def migrates(role: str, app_label: str) -> bool:
    """Whether the database of the process running `role` holds `app_label`'s tables."""
    return app_label in SHARED_APPS or app_label in service(role).apps


def module_owner(module: str) -> str | None:
    """The service answering URLs whose view (or include) is defined in `module`; None when the
    module belongs to no service (the front answers it) or is internal."""
    best: tuple[int, str] | None = None
    for candidate in SERVICES.values():
        for prefix in candidate.modules:
            if (module == prefix or module.startswith(prefix + ".")) and (
                best is None or len(prefix) > best[0]
            ):
                best = (len(prefix), candidate.name)
    return best[1] if best else None


def is_internal(module: str) -> bool:
    return any(module == m or module.startswith(m + ".") for m in INTERNAL_MODULES)


def split_database_name(name: str, role: str) -> str:
    """The database of `role` next to the monolith's `name` (PostgreSQL: `shop` → `shop_catalog`),
    what `make run-split` and the tests create on the server that DATABASE_URL names."""
    service(role)
    return f"{name}_{role}"


# What `route_owner` answers for the addresses the public gateway never routes.
INTERNAL = "internal"


def route_owner(path: str, view: str) -> str:
    """The service whose process answers `path` (a URL path without its leading slash, as the
    resolver spells it) served by `view` (its dotted name), or `INTERNAL`.

    `/admin/<app_label>/...` is the process owning that app's tables (the admin's shell and the
    shared apps' admin are `ADMIN_HOST`'s); any other view is its package's service
    (`Service.modules`), and a view of no service's is the `FRONT`'s."""
    if is_internal(view):
        return INTERNAL
    if path.startswith(ADMIN_PREFIX):
        label = path.removeprefix(ADMIN_PREFIX).partition("/")[0]
        return app_owner(label) or ADMIN_HOST
    return module_owner(view) or FRONT
