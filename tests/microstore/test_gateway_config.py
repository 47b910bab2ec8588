"""`manage.py gateway_config`: every URL of the monolith reaches the process that owns it.

The resolver is walked here on its own terms: each pattern gets a concrete path that Django
resolves back to that very pattern, and the process the topology names for it is compared with
the one the generated config picks: by reading its locations as nginx does, and, where nginx is
installed, through a real nginx in front of one small echo server per service.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from http.client import HTTPConnection
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from microstore import gateway, topology
from tests.microstore.remotes import closed_port

SERVICES = topology.SERVICE_NAMES
DOWN = "orders"  # the process the real nginx finds down


def _regex(piece: URLPattern | URLResolver) -> str:
    return piece.pattern.regex.pattern.removeprefix("^")


def endpoints(patterns=None, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    """(the whole regex, the pattern) of every endpoint of the resolver."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            yield from endpoints(entry.url_patterns, prefix + _regex(entry))
        else:
            yield prefix + _regex(entry), entry


GROUP = re.compile(r"\(\?P<\w+>((?:[^()]|\([^()]*\))*)\)")


def samples(regex: str) -> list[str]:
    """Concrete paths matching `regex`: each named group filled with a value it accepts (each
    alternative of a group of literal alternatives)."""
    match = GROUP.search(regex)
    if match is None:
        literal = re.sub(r"(\\Z|\$)$", "", regex).replace("\\", "")
        return [literal] if re.fullmatch(regex, literal) else []
    body = match.group(1)
    if re.fullmatch(r"[\w-]+(\|[\w-]+)+", body):
        values = body.split("|")
    else:
        head = gateway.regex_heads(body)[0][0]
        values = [next(v for v in ("7", "x/", head + "x/") if re.fullmatch(body, v))]
    head, tail = regex[: match.start()], regex[match.end() :]
    return [s for value in values for s in samples(head + re.escape(value) + tail)]


def every_public_path() -> list[tuple[str, str]]:
    """(path, owner) for a path of every pattern of the monolith's resolver."""
    found = []
    for regex, pattern in endpoints():
        paths = samples(regex)
        assert paths, f"no sample path for {regex!r}"
        for path in paths:
            assert resolve("/" + path).func is pattern.callback, path
            found.append(("/" + path, topology.route_owner(path, pattern.lookup_str)))
    return found


def table() -> list[gateway.Location]:
    return gateway.locations(
        gateway.routes(),
        static_url=settings.STATIC_URL,
        media_url=settings.MEDIA_URL,
        media_owner="catalog",
    )


def test_every_pattern_of_the_resolver_is_routed_to_the_process_that_owns_it():
    paths = every_public_path()
    locations = table()

    wrong = [(p, owner, gateway.route_of(p, locations)) for p, owner in paths]
    assert [w for w in wrong if w[1] != w[2]] == []
    assert len(paths) > 100
    assert {owner for _, owner in paths} == {*SERVICES, topology.INTERNAL}


@pytest.mark.parametrize(
    ("path", "owner"),
    [
        ("/", "catalog"),
        ("/p/red-mug/", "catalog"),
        ("/static/css/app.css", "catalog"),
        ("/media/products/1.webp", "catalog"),
        ("/no-such-page/", "catalog"),
        ("/ops/", "catalog"),
        ("/api/v1/services/", "catalog"),
        ("/account/addresses/", "accounts"),
        ("/accounts/signup/", "accounts"),
        ("/pages/contact/", "accounts"),
        ("/admin/", "accounts"),
        ("/admin/outbox/delivery/", "accounts"),
        ("/admin/catalog/", "catalog"),
        ("/admin/payments/payment/by-ref/pay_1/", "payments"),
        ("/cart/items/3/", "cart"),
        ("/api/v1/cart/items/", "cart"),
        ("/checkout/", "orders"),
        ("/api/v1/orders/MS-1/cancel/", "orders"),
        ("/pay/pay_1/done/", "payments"),
        ("/webhooks/stripe/", "payments"),
        ("/internal/catalog/get_products", topology.INTERNAL),
    ],
)
def test_the_routes_a_reader_expects(path, owner):
    assert gateway.route_of(path, table()) == owner


def test_a_prefix_claimed_by_two_services_is_refused():
    clash = [
        gateway.Route("shop/", "catalog", "shop/", "apps.catalog.views.x"),
        gateway.Route("shop/", "cart", "shop/<int:id>/", "apps.cart.views.y"),
    ]
    with pytest.raises(gateway.GatewayError, match=r"/shop/ starts 'shop/' \(catalog\)"):
        gateway.locations(clash, static_url="static/", media_url="media/", media_owner="catalog")


@pytest.mark.parametrize(
    ("regex", "heads"),
    [
        ("products/(?P<pk>[^/]+)/$", [("products/", False)]),
        ("cart/$", [("cart/", True)]),
        ("(?P<app_label>auth|sites)/$", [("auth/", True), ("sites/", True)]),
        ("(?P<url>pages/.+/)$", [("pages/", False)]),
        (r"a\.b/x?", [("a.b/", False)]),
        (r"key/(?P<k>[-:\w]+)/$", [("key/", False)]),
    ],
)
def test_the_literal_beginning_of_a_regex(regex, heads):
    assert gateway.regex_heads(regex) == heads


def addresses(base: int = 8101) -> dict[str, str]:
    return {name: f"http://127.0.0.1:{base + i}" for i, name in enumerate(SERVICES)}


def generate(*args: str) -> str:
    out = StringIO()
    call_command("gateway_config", *args, stdout=out)
    return out.getvalue()


def test_the_command_takes_the_addresses_from_microstore_services():
    with override_settings(MICROSTORE_SERVICES=addresses()):
        conf = generate("--port", "8765", "--upstream", "cart=http://cart.internal:8000")

    assert "listen 127.0.0.1:8765;" in conf
    assert "upstream catalog {\n        server 127.0.0.1:8101;" in conf
    assert "upstream cart {\n        server cart.internal:8000;" in conf
    assert "location /internal/ {  # refused" in conf
    assert "proxy_set_header X-Request-ID $microstore_request_id;" in conf
    assert "client_max_body_size 10m;" in conf


def test_the_command_names_a_service_without_an_address():
    partly = {"catalog": "http://127.0.0.1:8101", "cart": "http://127.0.0.1:8103"}
    expected = "no address for accounts, notifications, orders, payments: bind each to its base"
    with override_settings(MICROSTORE_SERVICES=partly), pytest.raises(CommandError, match=expected):
        generate()


def test_the_command_refuses_an_address_with_a_path():
    bad = {**addresses(), "orders": "http://127.0.0.1:8104/shop"}
    with override_settings(MICROSTORE_SERVICES=bad), pytest.raises(CommandError, match="orders"):
        generate()


def test_static_and_media_may_be_served_from_folders(tmp_path):
    with override_settings(MICROSTORE_SERVICES=addresses()):
        conf = generate("--static-root", str(tmp_path / "static"), "--media-root", "/srv/media")

    assert f"location /static/ {{  # catalog\n            alias {tmp_path}/static/;" in conf
    assert "location /media/ {  # catalog\n            alias /srv/media/;" in conf


def test_the_routing_table_is_printed_for_people():
    lines = generate("--routes").splitlines()

    assert "/admin/orders/               orders" in lines
    assert "/internal/                   internal" in lines


# ---------------------------------------------------------------------------------------------
# A real nginx


class Echo(BaseHTTPRequestHandler):
    """Answers every request with which upstream it is and what it was sent."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        body = json.dumps(
            {"upstream": self.server.name, "path": self.path, "headers": dict(self.headers)}
        ).encode()
        self.server.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def echoes() -> Iterator[dict[str, ThreadingHTTPServer]]:
    servers = {}
    for name in SERVICES:
        server = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
        server.name, server.hits = name, []
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers[name] = server
    yield servers
    for server in servers.values():
        server.shutdown()
        server.server_close()


@pytest.fixture(params=["upstreams", "resolver"])
def nginx(request, tmp_path: Path, echoes) -> Iterator[int]:
    """A real nginx in front of the echoes, with the services' addresses in `upstream` blocks
    (make run-split) or resolved at request time (`--resolver`, the compose file's gateway;
    with addresses that are IPs, as here, nginx asks no DNS server)."""
    binary = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None
    )
    if binary is None:
        pytest.skip("nginx is not installed (apt-get install nginx); the routing test above ran")
    port = closed_port()
    upstreams = {name: f"http://127.0.0.1:{s.server_address[1]}" for name, s in echoes.items()}
    upstreams[DOWN] = f"http://127.0.0.1:{closed_port()}"  # a process that is down
    conf = tmp_path / "gateway.conf"
    with override_settings(MICROSTORE_SERVICES=upstreams):
        resolver = ["--resolver", "127.0.0.1"] if request.param == "resolver" else []
        conf.write_text(generate("--port", str(port), *resolver))
    log = (tmp_path / "nginx.log").open("w")
    process = subprocess.Popen(  # noqa: S603  # nginx, with our config
        [binary, "-p", str(tmp_path), "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"nginx did not start: {(tmp_path / 'nginx.log').read_text()}")
                time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def fetch(port: int, path: str, headers: dict[str, str] | None = None, method: str = "GET"):
    conn = HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def test_a_real_nginx_routes_every_path_to_its_owner_and_refuses_internal(nginx, echoes):
    paths = every_public_path()
    answered: dict[str, str] = {}
    refused = []
    for path, owner in paths:
        status, headers, body = fetch(nginx, path)
        if owner == topology.INTERNAL:
            refused.append((path, status, headers["Content-Type"]))
        elif owner == DOWN:
            answered[path] = f"{status} (down)"
        else:
            assert status == 200, (path, body[:200])
            answered[path] = json.loads(body)["upstream"]

    expected = {p: o for p, o in paths if o not in (topology.INTERNAL, DOWN)}
    assert {p: o for p, o in answered.items() if p in expected} == expected
    assert {answered[p] for p, o in paths if o == DOWN} == {"503 (down)"}
    assert refused
    assert {(status, kind) for _, status, kind in refused} == {(404, "application/problem+json")}
    assert not any(hit.startswith("/internal/") for s in echoes.values() for hit in s.hits)


def test_a_real_nginx_passes_the_request_id_or_makes_one(nginx):
    _, _, given = fetch(nginx, "/cart/", {"X-Request-ID": "lb-7f3a.01"})
    _, _, made = fetch(nginx, "/cart/", {"X-Forwarded-For": "203.0.113.9"})

    given_headers = json.loads(given)["headers"]
    made_headers = json.loads(made)["headers"]
    assert given_headers["X-Request-ID"] == "lb-7f3a.01"
    assert re.fullmatch(r"[0-9a-f]{32}", made_headers["X-Request-ID"])
    assert made_headers["X-Forwarded-For"] == "203.0.113.9, 127.0.0.1"
    assert made_headers["X-Forwarded-Proto"] == "http"
    assert made_headers["Host"] == f"127.0.0.1:{nginx}"


def test_a_real_nginx_answers_503_for_a_process_that_is_down(nginx):
    status, headers, body = fetch(nginx, "/checkout/", {"X-Request-ID": "down-1"})
    api_status, api_headers, api_body = fetch(nginx, "/api/v1/orders/")
    up_status, _, _ = fetch(nginx, "/api/v1/cart/")

    assert status == 503
    assert headers["Retry-After"] == "5"
    assert headers["X-Request-ID"] == "down-1"
    assert headers["Content-Type"] == "text/html"
    assert b"not answering right now" in body
    assert b"down-1" in body
    assert api_status == 503
    assert api_headers["Content-Type"] == "application/problem+json"
    problem = json.loads(api_body)
    assert (problem["status"], problem["code"]) == (503, "unavailable")
    assert problem["request_id"] == api_headers["X-Request-ID"]
    assert up_status == 200


def test_with_a_resolver_the_names_are_looked_up_at_request_time():
    compose = {name: f"http://{name}:8000" for name in SERVICES}
    with override_settings(MICROSTORE_SERVICES=compose):
        conf = generate("--resolver", "127.0.0.11")

    assert "resolver 127.0.0.11 valid=10s ipv6=off;" in conf
    assert "upstream " not in conf  # a name in an upstream block is resolved once, at start
    assert "set $microstore_upstream_cart cart:8000;" in conf
    assert "proxy_pass http://$microstore_upstream_cart;" in conf


def test_a_resolver_that_is_not_an_address_is_refused():
    with (
        override_settings(MICROSTORE_SERVICES=addresses()),
        pytest.raises(CommandError, match="DNS server"),
    ):
        generate("--resolver", "127.0.0.11; include /etc/passwd")
