"""The orders REST API, mounted under /api/v1/."""
