"""`python -m bench.queries PATH...`: the SQL queries each page costs, as JSON."""

from __future__ import annotations

import json
import sys

import django


def main(paths: list[str]) -> None:
    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    counts = {}
    for path in paths:
        client.get(path)  # warm up (sessions, caches)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        counts[path] = len(captured.captured_queries)
    print(json.dumps(counts))  # noqa: T201


if __name__ == "__main__":
    main(sys.argv[1:])
