"""The catalog REST API, mounted under /api/v1/."""
