"""The notifications app: implements `contracts.notifications`."""
