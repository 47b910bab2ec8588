"""A misbehaving remote service on a real socket, for the deliveries to another process."""

from tests.microstore.transport.remote import remote  # noqa: F401  # fixture
