"""The notifications service contract. Emails to shoppers, sent from events; calls accounts only."""
