"""`make run-split`, as a newcomer types it: six services in their own processes and databases
behind nginx answer the monolith's addresses, one request id follows a request through them, and
Ctrl-C stops everything."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.microstore.test_make_run import _free_port, _group_alive, _wait_for, start_make
from tests.split import NGINX, Browser

ROOT = Path(__file__).resolve().parents[2]


pytestmark = [
    # Six migrations and seeds, then thirteen processes: past the suite's 120 s on a busy
    # machine (another worker may be running a split shop of its own at the same time).
    pytest.mark.timeout(360),
    pytest.mark.skipif(
        sys.platform != "linux" or NGINX is None,
        reason="needs Linux and nginx (apt-get install nginx); CI installs it",
    ),
]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _processes_under(folder: Path) -> list[int]:
    """Every live process of the split shop in `folder`: its command line or its environment
    (each service's DATABASE_URL and SHARED_CACHE_DIR) names the folder. honcho starts each in a
    session of its own, so killing honcho's group would not reach them."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and entry.name != str(os.getpid()):
            try:
                seen = (entry / "cmdline").read_bytes() + (entry / "environ").read_bytes()
                state = (entry / "stat").read_text().rpartition(")")[2].split()[0]
            except OSError:
                continue
            if str(folder).encode() in seen and state != "Z":  # a zombie is gone already
                found.append(int(entry.name))
    return found


def test_make_run_split_serves_the_shop_through_the_gateway_and_ctrl_c_stops_it(tmp_path):
    port, first = _free_port(), _free_port()
    while any(abs(first + i - port) < 1 for i in range(6)):
        first = _free_port()
    folder = tmp_path / "split"
    env = {
        **os.environ,
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
        "PORT": str(port),
        "SPLIT_FOLDER": str(folder),
        "SPLIT_FIRST_PORT": str(first),
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("SITE_URL", "DJANGO_SETTINGS_MODULE", "DATABASE_URL", "MICROSTORE_SERVICES"):
        env.pop(name, None)
    shop = start_make("run-split", env)
    base = f"http://127.0.0.1:{port}"
    try:
        # Ready: the front (catalog) has probed every other service over HTTP and found it up.
        ready = _wait_for(f"{base}/health/ready", time.monotonic() + 300)
        shopper = Browser(base)
        home = shopper.get("/", **{"X-Request-ID": "split-test-home-0001"})
        listing = shopper.get("/products/")
        for slug in re.findall(r'href="(/p/[a-z0-9-]+/)"', listing[1]):  # the first in stock
            product = shopper.get(slug)
            if product_id := re.search(r'name="product_id" value="(\d+)"', product[1]):
                break
        assert product_id, "no product in stock in the demo shop"
        added = shopper.post("/cart/add/", {"product_id": product_id.group(1), "quantity": "1"})
        cart = shopper.get("/cart/")
        after = shopper.get("/")  # catalog's page, the header's count from the cart service
        sign_in = shopper.get("/accounts/login/")
        internal = shopper.get("/internal/catalog/health")
        services = Browser(base).get("/health/?format=json")
        databases = {p.stem: p for p in folder.glob("*.sqlite3")}
        # Ctrl-C in a terminal signals the whole foreground process group.
        os.killpg(shop.pid, signal.SIGINT)
        output = shop.communicate(timeout=40)[0].decode(errors="replace")
        left = [pid for pid in _processes_under(folder) if _alive(pid)]
    finally:
        if _group_alive(shop.pid):  # an assertion above failed: Ctrl-C, then kill what is left
            os.killpg(shop.pid, signal.SIGINT)
            try:
                shop.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(shop.pid, signal.SIGKILL)
                shop.wait()
        for pid in _processes_under(folder):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    assert ready == 200, output[-4000:]
    assert home[0] == 200, output[-3000:]
    assert product[0] == 200, output[-3000:]
    assert added[0] == 302, added[1][-2000:]
    assert cart[0] == 200
    assert 'class="cart-line' in cart[1], cart[1][-2000:]  # the line, from the cart service
    assert re.search(r'id="cart-count"[^>]*>1<', after[1]), "the header counts the one added"
    assert sign_in[0] == 200
    assert "Sign in" in sign_in[1]
    assert internal[0] == 404, "the gateway never routes /internal/"
    assert services[0] == 200
    for name in ("accounts", "cart", "orders", "payments", "notifications"):
        assert name in services[1]
    assert set(databases) == {
        "catalog",
        "accounts",
        "cart",
        "orders",
        "payments",
        "notifications",
    }
    # Each line says which process wrote it; the request id crossed the gateway into catalog.
    for name in ("gateway.1", "catalog.1", "cart.1", "accounts.1", "notifications-worker.1"):
        assert name in output
    assert re.search(r"catalog\.1 .*split-test-home-0001", output), output[-3000:]
    assert '"service": "cart"' in output
    assert "Traceback" not in output, output[output.find("Traceback") - 500 :][:4000]
    assert left == [], f"still running after Ctrl-C: {left}"
