"""The accounts REST API, mounted under /api/v1/."""
