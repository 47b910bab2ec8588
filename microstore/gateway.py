"""The public gateway of the split shop: an nginx config generated from the code.

Nothing here is kept by hand. `routes()` walks the monolith's URL resolver and asks the topology
(`microstore.topology.route_owner`) which process answers each pattern; `locations()` turns the
patterns' literal beginnings into the fewest nginx prefix locations that send every path to its
owner (nginx picks the longest matching prefix); `nginx_config()` writes the config around them.
`manage.py gateway_config` prints it.

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
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

from microstore import topology


class GatewayError(ValueError):
    """The topology and the URL conf cannot be turned into a gateway (a message for people)."""


@dataclass(frozen=True)
class Route:
    """One URL pattern of the resolver, as the gateway sees it: the literal beginning of the
    paths it matches (`path`, without the leading slash), its owner and, for messages, the
    pattern as written and its view."""

    path: str
    owner: str
    pattern: str
    view: str


@dataclass(frozen=True)
class Location:
    """An nginx location: `exact` (`location = /`) or a prefix; `owner` is a service, or
    `topology.INTERNAL` (refused)."""

    path: str
    owner: str
    exact: bool = False


# ---------------------------------------------------------------------------------------------
# Literal beginnings of URL patterns


def _structure(text: str) -> Iterator[tuple[int, str, int]]:
    """(index, character, depth) of each character of a regex that can open, close or split a
    group: escapes and character classes are skipped; depth counts the groups open before it."""
    depth, i, in_class = 0, 0, False
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char in "()|":
            depth -= char == ")"
            yield i, char, depth
            depth += char == "("
        i += 1


def _closing(text: str, start: int) -> int:
    """The index of the parenthesis closing the group opened at `start`."""
    opened = None
    for i, char, depth in _structure(text):
        if i == start:
            opened = depth
        elif opened is not None and char == ")" and depth == opened:
            return i
    raise GatewayError(f"unbalanced parenthesis in URL pattern {text!r}")


def _alternatives(text: str) -> list[str]:
    """`text` split on its top-level `|`."""
    cuts = [i for i, char, depth in _structure(text) if char == "|" and depth == 0]
    return [text[a + 1 : b] for a, b in zip([-1, *cuts], [*cuts, len(text)], strict=True)]


def regex_heads(regex: str) -> list[tuple[str, bool]]:
    """The literal beginnings of what `regex` matches, each with whether it is the whole of it.

    `products/(?P<pk>[^/]+)/$` → [("products/", False)]; a group of literal alternatives is
    expanded: `(?P<app_label>auth|sites)/$` → [("auth/", True), ("sites/", True)]."""
    alternatives = _alternatives(regex)
    if len(alternatives) > 1:
        return [head for alternative in alternatives for head in regex_heads(alternative)]
    literal, i = "", 0
    while i < len(regex):
        char = regex[i]
        if char == "\\":
            escaped = regex[i + 1 : i + 2]
            if escaped.isalnum() or not escaped:  # \d, \w...: a class, not a character
                return [(literal, False)]
            literal += escaped
            i += 2
        elif char == "$" and i == len(regex) - 1:
            return [(literal, True)]
        elif char == "(":
            end = _closing(regex, i)
            body, rest = regex[i + 1 : end], regex[end + 1 :]
            if body.startswith("?P<"):
                body = body[body.index(">") + 1 :]
            elif body.startswith("?:"):
                body = body[2:]
            elif body.startswith("?") or rest[:1] in ("*", "+", "?", "{"):
                return [(literal, False)]
            heads: list[tuple[str, bool]] = []
            for head, whole in regex_heads(body):
                if whole:
                    heads += [(literal + head + tail, done) for tail, done in regex_heads(rest)]
                else:
                    heads.append((literal + head, False))
            return heads
        elif char in ".*+?[]{}^$)":
            if char in "*?{" and literal:  # the character before is optional
                literal = literal[:-1]
            return [(literal, False)]
        else:
            literal += char
            i += 1
    return [(literal, True)]


def pattern_heads(pattern: object) -> list[tuple[str, bool]]:
    """The literal beginnings of one piece of a URL (a `path()` route or a `re_path()` regex)."""
    if isinstance(pattern, RoutePattern):
        route = str(pattern)
        head, converter, _ = route.partition("<")
        return [(head, not converter)]
    if isinstance(pattern, RegexPattern):
        return regex_heads(str(pattern).removeprefix("^"))
    raise GatewayError(f"cannot route a URL pattern of type {type(pattern).__name__}")


def _walk(
    patterns: Iterable[URLPattern | URLResolver], heads: list[tuple[str, bool]], written: str
) -> Iterator[Route]:
    for entry in patterns:
        joined: list[tuple[str, bool]] = []
        for head, whole in heads:
            if not whole:
                joined.append((head, False))
                continue
            joined += [(head + more, done) for more, done in pattern_heads(entry.pattern)]
        text = written + str(entry.pattern)
        if isinstance(entry, URLPattern):
            view = entry.lookup_str
            for head in dict.fromkeys(head for head, _ in joined):
                yield Route(head, topology.route_owner(head, view), text, view)
            continue
        inside = list(_walk(entry.url_patterns, joined, text))
        yield from inside
        # An include whose every address has one owner is routed by its own prefix (allauth's
        # /accounts/), so that an address it adds later needs no new location.
        owners = {route.owner for route in inside}
        if len(owners) == 1 and str(entry.pattern):  # not one mounted at "" beside others
            owner = owners.pop()
            yield from (Route(head, owner, text, "") for head, whole in joined if whole and head)


def routes(resolver: URLResolver | None = None) -> list[Route]:
    """Every pattern of the resolver (the monolith's by default) with its owning process, and
    each include all of whose patterns one process owns."""
    resolver = resolver or get_resolver()
    return list(_walk(resolver.url_patterns, [("", True)], ""))


# ---------------------------------------------------------------------------------------------
# Locations


def _prefix(url: str) -> str:
    """A settings URL (`static/`, `/media/`) as a path without its leading slash."""
    return urlsplit(url).path.lstrip("/")


def locations(
    found: Iterable[Route], *, static_url: str, media_url: str, media_owner: str
) -> list[Location]:
    """The fewest locations that route every path as `found` says: the catch-all `/` goes to
    the front, and a prefix is kept only where its owner differs from the location nginx would
    otherwise pick for it (the longest kept prefix of it)."""
    owners: dict[str, Route] = {}
    for route in (
        *found,
        Route(_prefix(static_url), topology.FRONT, f"STATIC_URL {static_url}", "static files"),
        Route(_prefix(media_url), media_owner, f"MEDIA_URL {media_url}", "media files"),
    ):
        if not route.path:  # the home page: an exact location unless the front answers it
            continue
        seen = owners.setdefault(route.path, route)
        if seen.owner != route.owner:
            raise GatewayError(
                f"/{route.path} starts {seen.pattern!r} ({seen.owner}) and {route.pattern!r} "
                f"({route.owner}): give one of them a prefix of its own"
            )
    kept: dict[str, str] = {"": topology.FRONT}
    for path in sorted(owners, key=len):
        ancestor = max((p for p in kept if path.startswith(p)), key=len)
        if owners[path].owner != kept[ancestor]:
            kept[path] = owners[path].owner
    # /static/ and /media/ keep locations of their own: nginx may serve them from folders.
    for path in (_prefix(static_url), _prefix(media_url)):
        kept.setdefault(path, owners[path].owner)
    result = [Location(f"/{path}", owner) for path, owner in sorted(kept.items())]
    home = [r.owner for r in found if r.path == "" and r.owner != topology.FRONT]
    if home:
        result.append(Location("/", home[0], exact=True))
    return result


def route_of(path: str, table: Iterable[Location]) -> str:
    """The owner nginx picks for `path` among `table` (an exact match, else the longest
    prefix), which is how the tests read a generated config."""
    table = list(table)
    for location in table:
        if location.exact and location.path == path:
            return location.owner
    best = max((loc for loc in table if not loc.exact and path.startswith(loc.path)), key=_len)
    return best.owner


def _len(location: Location) -> int:
    return len(location.path)


# ---------------------------------------------------------------------------------------------
# The nginx config


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
    static, media = "/" + _prefix(static_url), "/" + _prefix(media_url)
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
