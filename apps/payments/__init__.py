"""The payments app: implements `contracts.payments`."""
