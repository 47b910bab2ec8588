"""Which service is making a contract call: the module that made it.

The first frame outside the plumbing (the transport, the measuring proxy, the contracts'
accessors) names the caller: code of `apps.orders` (a view, a service, a handler, or its facade
answering a call itself) calls as orders; anything else (the layout, sign-in, health, ops, a
management command, a test) is the composition root. The server checks the name, signed into
the request, against the call direction of `contracts.directory`.
"""

from __future__ import annotations

import sys

from django.conf import settings

from contracts.directory import ROOT

_PLUMBING = ("microstore.transport.", "microstore.instrument", "contracts.")


def calling_service() -> str:
    frame = sys._getframe(1)
    while frame is not None:
        module = str(frame.f_globals.get("__name__", ""))
        if not module.startswith(_PLUMBING):
            if module.startswith("apps."):
                return module.split(".", 2)[1]
            break
        frame = frame.f_back  # type: ignore[assignment]
    return str(getattr(settings, "MICROSTORE_IDENTITY", ROOT))
