"""The gateway's nginx config, written around the locations of `microstore.gateway`.

- Every address the shop does not know goes to the front (`topology.FRONT`), whose 404 page is
  the shop's; `/internal/` is answered by the gateway itself with a 404 problem, never proxied.
- `/static/` and `/media/` are proxied to the front and to the media's owner (whitenoise and
  Django serve them, with no build step), or served by nginx from a folder when one is given.
- The request id a caller sends (`X-Request-ID`) is passed on, or nginx's own `$request_id` (32
  hex digits, what the shop makes itself) when there is none; the client's address and scheme
  go in `X-Forwarded-For` / `X-Forwarded-Proto`, the public host in `Host`.
- A process that does not answer (connection refused, timed out) is a 503 from the gateway in a
  sentence, with `Retry-After` and the request id; a problem+json body under `/api/`.
- With a `resolver` (a DNS server, e.g. Docker's 127.0.0.11) the services' host names are
  looked up at request time instead of once at start: nginx then starts (and `nginx -t` passes)
  before the services exist, follows a restarted container to its new address, and a service
  whose name does not resolve is a 503 like one that does not answer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from microstore import topology
from microstore.gateway import GatewayError, Location, route_of, url_prefix


@dataclass(frozen=True)
class Upstream:
    scheme: str
    host: str
    port: int

    @classmethod
    def parse(cls, service: str, url: str) -> Upstream:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise GatewayError(f"{service}: expected a base URL such as http://127.0.0.1:8101")
        if parts.path.strip("/") or parts.query or parts.fragment:
            raise GatewayError(f"{service}: the gateway proxies to a host and port, not {url!r}")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError as exc:
            raise GatewayError(f"{service}: {exc} in {url!r}") from None
        host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
        return cls(parts.scheme, host, port)


@dataclass(frozen=True)
class Options:
    listen: str = "127.0.0.1"
    port: int = 8000
    static_root: str | None = None  # serve /static/ from here instead of proxying
    media_root: str | None = None  # serve /media/ from here instead of proxying
    max_body: str = "10m"
    read_timeout: int = 60  # longer than a page's slowest contract call (payments: 30 s)
    resolver: str | None = None  # look the services' names up at request time with this DNS


_STATIC_TYPES = {
    "text/html": "html",
    "text/css": "css",
    "text/plain": "txt",
    "application/javascript": "js mjs",
    "application/json": "json map",
    "image/svg+xml": "svg",
    "image/png": "png",
    "image/jpeg": "jpg jpeg",
    "image/webp": "webp",
    "image/gif": "gif",
    "image/x-icon": "ico",
    "font/woff2": "woff2",
    "font/woff": "woff",
}
UNAVAILABLE_PAGE = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>Not answering right now</title>"
    "<h1>This part of the shop is not answering right now</h1>"
    "<p>Please try again in a moment. Request id: $microstore_request_id</p></html>"
)
UNAVAILABLE_PROBLEM = (
    '{"type": "about:blank", "title": "Service Unavailable", "status": 503, '
    '"code": "unavailable", "detail": "This part of the shop is not answering right now.", '
    '"request_id": "$microstore_request_id"}'
)
API = "/api/"
NOT_FOUND_PROBLEM = '{"type": "about:blank", "title": "Not Found", "status": 404}'


def _quoted(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _files(root: str) -> str:
    if re.search(r"[\s;{}'\"]", root):
        raise GatewayError(f"cannot serve files from {root!r}: spaces and quotes are not allowed")
    return root.rstrip("/") + "/"


def _resolver(address: str) -> str:
    if not re.fullmatch(r"[\w.:\[\]-]+", address):
        raise GatewayError(f"expected a DNS server's address such as 127.0.0.11, got {address!r}")
    return address


def _address_variable(service: str) -> str:
    """The variable holding `service`'s host:port when names are resolved at request time."""
    return f"$microstore_upstream_{service}"


def _location_body(
    location: Location, options: Options, static: str, media: str, scheme: str
) -> list[str]:
    if location.owner == topology.INTERNAL:
        return [
            "default_type application/problem+json;",
            f"return 404 {_quoted(NOT_FOUND_PROBLEM)};",
        ]
    if location.path == static and options.static_root:
        return [f"alias {_files(options.static_root)};", "expires 1h;", "access_log off;"]
    if location.path == media and options.media_root:
        return [f"alias {_files(options.media_root)};", "expires 1h;"]
    lines = []
    if location.path.startswith(API):
        lines.append("error_page 502 504 = @api_unavailable;")
    target = _address_variable(location.owner) if options.resolver else location.owner
    return [*lines, f"proxy_pass {scheme}://{target};"]


def nginx_config(
    table: list[Location],
    upstreams: Mapping[str, str],
    options: Options,
    *,
    static_url: str,
    media_url: str,
) -> str:
    """A complete nginx.conf for `nginx -p <dir> -c <file>`, unprivileged, in the foreground:
    pid and temporary files under the prefix folder, errors on stderr, access log on stdout."""
    static, media = "/" + url_prefix(static_url), "/" + url_prefix(media_url)
    if not any(loc.path == API for loc in table):  # its own location: API answers for 502/504
        table = [*table, Location(API, route_of(API, table))]
    needed = sorted({loc.owner for loc in table if _proxied(loc, options, static, media)})
    missing = [name for name in needed if not upstreams.get(name)]
    if missing:
        raise GatewayError(
            f"no address for {', '.join(missing)}: bind each to its base URL in "
            f"MICROSTORE_SERVICES or pass --upstream {missing[0]}=http://127.0.0.1:PORT"
        )
    parsed = {name: Upstream.parse(name, upstreams[name]) for name in needed}
    lines = [
        "# Generated by `manage.py gateway_config` from microstore/topology.py and the URL",
        "# resolver: do not edit, generate it again. Run: nginx -p <folder> -c <this file>",
        "daemon off;",
        "worker_processes 1;",
        "pid nginx.pid;",
        "error_log stderr warn;",
        "events { worker_connections 1024; }",
        "http {",
        "    server_tokens off;",
        '    log_format gateway \'$remote_addr "$request" $status $body_bytes_sent '
        "${request_time}s upstream=$upstream_addr request_id=$microstore_request_id';",
        "    access_log /dev/stdout gateway;",
        "    client_body_temp_path tmp-client-body;",
        "    proxy_temp_path tmp-proxy;",
        "    fastcgi_temp_path tmp-fastcgi;",
        "    uwsgi_temp_path tmp-uwsgi;",
        "    scgi_temp_path tmp-scgi;",
        "    types {",
        *(f"        {mime} {exts};" for mime, exts in _STATIC_TYPES.items()),
        "    }",
        "    default_type application/octet-stream;",
        "    # The caller's request id, or one of nginx's (32 hex digits) when it sent none.",
        "    map $http_x_request_id $microstore_request_id {",
        "        default $http_x_request_id;",
        '        "" $request_id;',
        "    }",
    ]
    if options.resolver:
        # A variable in proxy_pass makes nginx resolve the name per request (cached `valid`).
        lines += [
            f"    resolver {_resolver(options.resolver)} valid=10s ipv6=off;",
            "    resolver_timeout 5s;",
        ]
    else:
        for name, upstream in parsed.items():
            lines += [f"    upstream {name} {{", f"        server {upstream.host}:{upstream.port};"]
            lines.append("    }")
    timeout = options.read_timeout
    lines += [
        "    server {",
        f"        listen {options.listen}:{options.port};",
        "        server_name _;",
        *(
            f"        set {_address_variable(name)} {upstream.host}:{upstream.port};"
            for name, upstream in parsed.items()
            if options.resolver
        ),
        f"        client_max_body_size {options.max_body};",
        "        client_header_timeout 30s;",
        "        client_body_timeout 30s;",
        f"        send_timeout {timeout}s;",
        "        keepalive_timeout 65s;",
        "        proxy_http_version 1.1;",
        "        proxy_set_header Host $http_host;",
        "        proxy_set_header X-Request-ID $microstore_request_id;",
        "        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "        proxy_set_header X-Forwarded-Proto $scheme;",
        "        proxy_set_header X-Forwarded-Host $http_host;",
        "        proxy_connect_timeout 5s;",
        f"        proxy_send_timeout {timeout}s;",
        f"        proxy_read_timeout {timeout}s;",
        "        proxy_redirect off;",
        "        error_page 502 504 = @unavailable;",
        "        location @unavailable {",
        "            default_type text/html;",
        "            add_header Retry-After 5 always;",
        "            add_header X-Request-ID $microstore_request_id always;",
        f"            return 503 {_quoted(UNAVAILABLE_PAGE)};",
        "        }",
        "        location @api_unavailable {",
        "            default_type application/problem+json;",
        "            add_header Retry-After 5 always;",
        "            add_header X-Request-ID $microstore_request_id always;",
        f"            return 503 {_quoted(UNAVAILABLE_PROBLEM)};",
        "        }",
    ]
    for location in sorted(table, key=lambda loc: (loc.path, not loc.exact)):
        match = f"= {location.path}" if location.exact else location.path
        owner = location.owner if location.owner != topology.INTERNAL else "refused"
        lines.append(f"        location {match} {{  # {owner}")
        scheme = parsed[location.owner].scheme if location.owner in parsed else "http"
        for line in _location_body(location, options, static, media, scheme):
            lines.append(f"            {line}")
        lines.append("        }")
    lines += ["    }", "}", ""]
    return "\n".join(lines)


def _proxied(location: Location, options: Options, static: str, media: str) -> bool:
    """Whether nginx hands `location` to its owner's process (not refused, not files)."""
    if location.owner == topology.INTERNAL:
        return False
    return not (
        (location.path == static and options.static_root)
        or (location.path == media and options.media_root)
    )
