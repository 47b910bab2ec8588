"""The cart app: implements `contracts.cart`."""
