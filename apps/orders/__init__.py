"""The orders app: implements `contracts.orders`."""
