"""The accounts app: implements `contracts.accounts`."""
