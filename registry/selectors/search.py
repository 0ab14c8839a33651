"""Full-text search over claims' statements and quotes."""

from __future__ import annotations

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from registry.models import Citation, Claim

# Full-text search configurations: statements are written in the registry's
# neutral English; quotes are verbatim in any language, so no stemming.
STATEMENT_SEARCH_CONFIG = "english"
QUOTE_SEARCH_CONFIG = "simple"
SEARCH_FEW = 2000  # matches up to which search goes through the index alone


def search_claims(
    queryset: QuerySet, text: str, *, claim_field: str = "pk"
) -> QuerySet:
    """Claims whose statement or one of whose quotes matches ``text``.

    PostgreSQL: full-text search over ``registry_claim.search_vector``
    (migration 0005_search keeps it current and indexed); the words are
    matched stemmed (English) or as written (quotes in any language), and
    ``text`` may use web-search syntax ("a phrase", -word, or). Elsewhere:
    a case-insensitive substring match.
    """
    text = text.strip()
    if not text:
        return queryset
    if connection.vendor == "postgresql":
        matches = RawSQL(
            f'"{Claim._meta.db_table}"."search_vector" @@ '
            f"(websearch_to_tsquery('{STATEMENT_SEARCH_CONFIG}', %s) "
            f"|| websearch_to_tsquery('{QUOTE_SEARCH_CONFIG}', %s))",
            [text, text],
            output_field=BooleanField(),
        )
        # A rare word is best found through the index, then sorted; a common
        # one by walking the publication-order index until a page is full.
        # The planner cannot tell which from a tsvector's statistics, so one
        # cheap query (at most SEARCH_FEW + 1 ids) decides.
        few = list(
            # No ORDER BY: any SEARCH_FEW + 1 matches will do, found early.
            Claim.objects.filter(matches)
            .order_by()
            .values_list("pk", flat=True)[: SEARCH_FEW + 1]
        )
        if len(few) <= SEARCH_FEW:
            return queryset.filter(**{f"{claim_field}__in": few})
        if claim_field == "pk":
            return queryset.filter(matches)
        # As a subquery Django renames the claims table (U0), which the raw
        # condition above would not follow: write the whole subquery.
        table = Claim._meta.db_table
        return queryset.filter(
            **{
                f"{claim_field}__in": RawSQL(
                    f'SELECT "id" FROM "{table}" WHERE "search_vector" @@ '
                    f"(websearch_to_tsquery('{STATEMENT_SEARCH_CONFIG}', %s) "
                    f"|| websearch_to_tsquery('{QUOTE_SEARCH_CONFIG}', %s))",
                    [text, text],
                )
            }
        )
    found = Claim.objects.filter(
        Q(statement__icontains=text)
        | Q(pk__in=Citation.objects.filter(quote__icontains=text).values("claim_id"))
    ).values("pk")
    return queryset.filter(**{f"{claim_field}__in": found})


