"""The public gateway of the split shop: an nginx config generated from the code.

Nothing here is kept by hand. `routes()` walks the monolith's URL resolver and asks the topology
(`microstore.topology.route_owner`) which process answers each pattern; `locations()` turns the
patterns' literal beginnings into the fewest nginx prefix locations that send every path to its
owner (nginx picks the longest matching prefix); `microstore.gateway_nginx` writes nginx's config
around them, which `manage.py gateway_config` prints.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
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


def url_prefix(url: str) -> str:
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
        Route(url_prefix(static_url), topology.FRONT, f"STATIC_URL {static_url}", "static files"),
        Route(url_prefix(media_url), media_owner, f"MEDIA_URL {media_url}", "media files"),
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
    for path in (url_prefix(static_url), url_prefix(media_url)):
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
