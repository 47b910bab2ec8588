"""The browser suite's one axe-core harness.

axe.min.js comes from the `axe-playwright-python` wheel (a dev dependency from PyPI), so
`make test` needs no npm step. It is evaluated through the DevTools protocol, which the page's
Content Security Policy does not govern: the page under test keeps its real policy.
"""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe

_AXE = Axe()
# Every rule axe runs by default (WCAG 2.0-2.2 A and AA, and its best practices such as
# heading-order and the landmark rules), plus label-content-name-mismatch (WCAG 2.5.3: a link
# named "Cart" that shows "2"), which axe still files as experimental. Its other experimental
# rules stay off: p-as-heading, for one, takes a product's bold price for a heading.
OPTIONS: dict[str, Any] = {
    "rules": {"label-content-name-mismatch": {"enabled": True}},
    "resultTypes": ["violations"],
}


def axe_violations(page: Any) -> list[str]:
    """Every violation axe-core finds on the page as it stands: one line per element, naming
    the rule, its impact, the element and what to fix. Empty when the page passes."""
    response = _AXE.run(page, options=OPTIONS).response
    return [
        f"{rule['id']} ({rule['impact']}) {' '.join(map(str, node['target']))}: "
        + " ".join(node.get("failureSummary", "").split())
        for rule in response["violations"]
        for node in rule["nodes"]
    ]
