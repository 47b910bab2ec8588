"""`manage.py events`: every event, its publisher and its subscribers, and docs/events.md."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

from django.core.management import call_command

from microstore.outbox import events_table

ROOT = Path(__file__).resolve().parents[2]


def test_the_command_lists_every_event_with_its_publisher_subscribers_and_handlers():
    out = StringIO()
    call_command("events", stdout=out)
    lines = [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in out.getvalue().splitlines()
    ]

    assert lines[0] == ["event", "contract", "publisher", "subscriber", "service", "handler"]
    by_subscriber = {line[3]: line for line in lines[2:]}
    assert by_subscriber["`payments.order_cancelled`"] == [
        "`orders.OrderCancelled`",
        "`contracts.orders.events.OrderCancelled`",
        "orders",
        "`payments.order_cancelled`",
        "payments",
        "`apps.payments.handlers.on_order_cancelled`",
    ]
    assert by_subscriber["`notifications.send_email`"][5] == (
        "`apps.notifications.handlers.send_email`, "
        "when parked as dead `apps.notifications.handlers._failed_for_good`"
    )
    events = {line[0] for line in lines[2:]}
    assert "`orders.OrderDelivered`" in events  # nobody reacts to it, and it is listed
    assert not [line for line in lines[2:] if "test" in line[0]]  # only the contracts' events


def test_docs_events_md_is_the_commands_table():
    docs = ROOT / events_table.DOCS_PATH
    assert docs.read_text(encoding="utf-8") == events_table.document(), (
        f"{events_table.DOCS_PATH} is stale: regenerate it with `{events_table.REGENERATE}`"
    )


def test_write_regenerates_the_page(settings, tmp_path):
    settings.BASE_DIR = tmp_path
    out = StringIO()

    call_command("events", "--write", stdout=out)

    assert out.getvalue() == f"wrote {events_table.DOCS_PATH}\n"
    assert (tmp_path / events_table.DOCS_PATH).read_text() == events_table.document()
