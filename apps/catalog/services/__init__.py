"""Catalog writes. Each public function is its own transaction."""
