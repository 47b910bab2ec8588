"""The accounts service contract. Customers: identity, names and address books. Calls nobody."""
