"""`make run`, as a newcomer types it: the shop answers, and Ctrl-C stops everything cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    sys.platform != "linux" or not (ROOT / "Makefile").exists(), reason="needs make on Linux"
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url: str, deadline: float) -> int:
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 (loopback only)
                return answer.status
        except OSError:
            time.sleep(0.3)
    return 0


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def start_make(target: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """`make <target>` in a session of its own (so Ctrl-C can be sent to its whole group), its
    output kept. -o: the venv running this test is the one make would build; never reinstall
    from a test."""
    return subprocess.Popen(  # noqa: S603
        ["make", "--no-print-directory", "-o", ".venv/.installed", target],  # noqa: S607
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def test_make_run_serves_the_shop_and_ctrl_c_stops_it_without_a_crash(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
        "PORT": str(port),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("SITE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    shop = start_make("run", env)
    try:
        status = _wait_for(f"http://127.0.0.1:{port}/", time.monotonic() + 90)
        # Ctrl-C in a terminal signals the whole foreground process group.
        os.killpg(shop.pid, signal.SIGINT)
        output = shop.communicate(timeout=30)[0].decode(errors="replace")
    finally:
        if _group_alive(shop.pid):
            os.killpg(shop.pid, signal.SIGKILL)
            shop.wait()

    assert status == 200, output[-3000:]
    assert "Segmentation fault" not in output
    assert "***" not in output, output[-2000:]  # make reports no failed recipe
    # make passes the interrupt on to itself, as after any Ctrl-C: no error of its own.
    assert shop.returncode in (0, -signal.SIGINT), output[-2000:]
    assert f"Serving on http://127.0.0.1:{port}/" in output
    assert "worker.1" in output  # the task worker ran beside the web server
    time.sleep(0.5)
    assert not _group_alive(shop.pid), "a process of make run outlived Ctrl-C"
