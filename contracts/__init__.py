"""What Microstore's apps promise each other.

Plain Python only: no Django, no DRF. Each sub-package names one service's Protocol, its DTOs,
errors and events; `contracts.kernel` holds what they share. An app reaches another app only
through this package, so any app can later move behind HTTP without changing its callers.
"""
