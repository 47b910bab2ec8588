"""The payments service contract.

Payments through a gateway (Stripe or the fake); answers with events, never calls orders or cart.
"""
