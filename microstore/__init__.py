"""The composition root: settings, URLs, bindings, outbox, middleware, logging, health."""

__version__ = "0.1.0"
