"""The payments REST API, mounted under /api/v1/."""
