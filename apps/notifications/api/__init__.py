"""The notifications REST API, mounted under /api/v1/."""
