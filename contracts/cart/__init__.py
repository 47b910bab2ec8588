"""The cart service contract. Shopping carts, priced from the catalog."""
