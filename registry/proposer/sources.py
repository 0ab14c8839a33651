"""The registry's sources as the proposer needs them: id, name, kind and
aliases. The only part of the proposer that reads the database; with no
database (or no migrations applied) it returns nothing and the proposer
still proposes, resolving no source."""

from __future__ import annotations

from django.db import DatabaseError

from registry.proposer.attribution import KnownSource


def known_sources() -> list[KnownSource]:
    from registry.models import Source

    try:
        return [
            KnownSource(
                id=source.public_id,
                name=source.name,
                kind=source.kind,
                aliases=[a.alias for a in source.aliases.all()]
                + ([source.short_name] if source.short_name else []),
            )
            for source in Source.objects.prefetch_related("aliases")
        ]
    except DatabaseError:
        return []


def source_for(text: str | None) -> KnownSource | None:
    """The registered source a name or alias names, if the database has it."""
    if not text:
        return None
    from registry.models import Source

    try:
        source = Source.objects.by_alias(text).first()
    except DatabaseError:
        return None
    if source is None:
        return None
    return KnownSource(source.public_id, source.name, source.kind, [text])
