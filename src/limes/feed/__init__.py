"""Followers of the change feed (the outbox) that carry events out of the system."""
