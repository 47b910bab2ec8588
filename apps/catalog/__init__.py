"""The catalog app: implements `contracts.catalog`."""
