"""The in-process implementation of `contracts.accounts`."""

from apps.accounts.models import User
from contracts.accounts.service import SERVICE, VERSION
from contracts.kernel.service import ServiceHealth, probe


class AccountsFacade:
    """Implements `AccountsService` in this process."""

    def health(self) -> ServiceHealth:
        return probe(SERVICE, VERSION, User.objects.exists)
