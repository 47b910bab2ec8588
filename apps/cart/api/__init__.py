"""The cart REST API, mounted under /api/v1/."""
