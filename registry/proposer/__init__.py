"""The claim proposer: pure functions from an article's text (plus the
registry's sources and their aliases) to proposed claims. No database here:
callers pass ``KnownSource`` records (see ``registry.proposer.sources``)."""

from registry.proposer.attribution import KnownSource
from registry.proposer.core import VERSION, Proposal, figures_in, propose

__all__ = ["VERSION", "KnownSource", "Proposal", "figures_in", "propose"]
