"""The six apps. Each reaches another only through `contracts/`."""
