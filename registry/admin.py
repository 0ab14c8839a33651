"""Admin registrations. The claim workflow admin is added here by the lead."""

from . import admin_conflicts  # noqa: F401
