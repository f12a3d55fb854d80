"""Scheduled work: weekly reminders and digests (planning is pure; delivery goes via an outbox)."""
