"""The public, anonymous, read-only API under /api/v1/."""
