"""`manage.py gateway_config`: print the split shop's nginx config, generated from the code.

Each service's address is its base URL in MICROSTORE_SERVICES, or `--upstream name=URL`.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from microstore import gateway, gateway_nginx, topology


def _upstream(value: str) -> tuple[str, str]:
    name, sep, url = value.partition("=")
    if not sep or name not in topology.SERVICES:
        raise ValueError(value)
    return name, url


def add_port_argument(parser: CommandParser) -> None:
    """`--port`: where the gateway listens (this command's and `run_split`'s)."""
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("PORT") or 8000),
        help="the gateway's port (default: $PORT or 8000)",
    )


class Command(BaseCommand):
    help = (
        "Print the nginx config of the split shop's gateway: every public URL of the shop "
        "routed to the process that owns it (microstore/topology.py), /internal/ refused. "
        "Run it with: nginx -p <folder> -c <file>."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_port_argument(parser)
        parser.add_argument("--listen", default="127.0.0.1", help="address (default 127.0.0.1)")
        parser.add_argument(
            "--upstream",
            type=_upstream,
            action="append",
            default=[],
            metavar="SERVICE=URL",
            help="a service's base URL (repeatable; default: its URL in MICROSTORE_SERVICES)",
        )
        parser.add_argument(
            "--static-root", help="serve /static/ from this folder (collectstatic's STATIC_ROOT)"
        )
        parser.add_argument("--media-root", help="serve /media/ from this folder (MEDIA_ROOT)")
        parser.add_argument("--max-body", default="10m", help="client_max_body_size (10m)")
        parser.add_argument(
            "--read-timeout", type=int, default=60, help="seconds to wait for a process (60)"
        )
        parser.add_argument(
            "--resolver",
            help="a DNS server (Docker's: 127.0.0.11): look the services' names up at request "
            "time, so nginx starts before them and follows a restarted one",
        )
        parser.add_argument(
            "--routes", action="store_true", help="print the routing table instead of the config"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        media_owner = topology.module_owner("django.views.static") or topology.FRONT
        try:
            table = gateway.locations(
                gateway.routes(),
                static_url=settings.STATIC_URL,
                media_url=settings.MEDIA_URL,
                media_owner=media_owner,
            )
            if options["routes"]:
                for location in sorted(table, key=lambda loc: loc.path):
                    match = f"= {location.path}" if location.exact else location.path
                    self.stdout.write(f"{match:<28} {location.owner}")
                return
            upstreams = {
                name: url
                for name, url in settings.MICROSTORE_SERVICES.items()
                if url.startswith(("http://", "https://"))
            }
            upstreams.update(dict(options["upstream"]))
            config = gateway_nginx.nginx_config(
                table,
                upstreams,
                gateway_nginx.Options(
                    listen=options["listen"],
                    port=options["port"],
                    static_root=options["static_root"],
                    media_root=options["media_root"],
                    max_body=options["max_body"],
                    read_timeout=options["read_timeout"],
                    resolver=options["resolver"],
                ),
                static_url=settings.STATIC_URL,
                media_url=settings.MEDIA_URL,
            )
        except gateway.GatewayError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(config, ending="")
