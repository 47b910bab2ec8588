"""The orders service contract. Orders and their life cycle; drives the checkout saga."""
