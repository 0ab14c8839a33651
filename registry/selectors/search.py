"""Full-text search over claims' statements and quotes."""

from __future__ import annotations

from django.db import connection
from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL

from registry.models import Citation, CitationRelay, Claim, SourceAlias

# Full-text search configurations: statements are written in the registry's
# neutral English; quotes are verbatim in any language, so no stemming.
STATEMENT_SEARCH_CONFIG = "english"
QUOTE_SEARCH_CONFIG = "simple"
SEARCH_FEW = 2000  # matches up to which search goes through the index alone
ADMIN_SEARCH_SOURCES = 50  # sources whose claims the admin's search box adds


def _text_matches() -> str:
    return (
        f'"{Claim._meta.db_table}"."search_vector" @@ '
        f"(websearch_to_tsquery('{STATEMENT_SEARCH_CONFIG}', %s) "
        f"|| websearch_to_tsquery('{QUOTE_SEARCH_CONFIG}', %s))"
    )


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
        matches = RawSQL(_text_matches(), [text, text], output_field=BooleanField())
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


def ids_or_condition(id_queries, dense: Q, *, few: int | None = None) -> Q:
    """A condition on claims, chosen by how many claims it selects.

    ``id_queries`` yield claim ids through an index (citations of a source,
    full-text matches); ``dense`` says the same as a condition on each claim
    row. Up to ``few`` claims: their ids, so a list sorted by another column
    reads just those rows. More: ``dense``, which a list walking its ordering
    index meets often enough to fill a page early. Each id query reads at
    most ``few + 1`` rows, so deciding costs little either way.
    """
    few = SEARCH_FEW if few is None else few
    ids: set[int] = set()
    for query in id_queries:
        rows = list(query.order_by()[: few + 1])
        if len(rows) > few:
            return dense
        ids.update(rows)
        if len(ids) > few:
            return dense
    return Q(pk__in=sorted(ids))


def claims_citing_condition(source_ids: list[int]) -> Q:
    """Claims citing one of ``source_ids``, as originator or relay."""
    return ids_or_condition(
        [
            Citation.objects.filter(originator_id__in=source_ids).values_list(
                "claim_id", flat=True
            ),
            CitationRelay.objects.filter(source_id__in=source_ids).values_list(
                "citation__claim_id", flat=True
            ),
        ],
        Q(
            Exists(
                Citation.objects.filter(claim=OuterRef("pk")).filter(
                    Q(originator_id__in=source_ids)
                    | Q(relay_links__source_id__in=source_ids)
                )
            )
        ),
    )


def claim_text_condition(text: str) -> Q:
    """Claims whose statement or one of whose quotes matches ``text``, as
    :func:`search_claims` matches them, as a condition on claims."""
    if connection.vendor == "postgresql":
        matches = RawSQL(_text_matches(), [text, text], output_field=BooleanField())
        return ids_or_condition(
            [Claim.objects.filter(matches).values_list("pk", flat=True)], Q(matches)
        )
    return Q(statement__icontains=text) | Q(
        pk__in=Citation.objects.filter(quote__icontains=text).values("claim_id")
    )


def review_search(queryset: QuerySet[Claim], text: str) -> QuerySet[Claim]:
    """The admin's search box over claims in every state: the words of a
    statement or quote (full text, as the public search), a claim's public
    id, or part of a source's name or alias (the claims citing the first
    ``ADMIN_SEARCH_SOURCES`` such sources, as originator or relay).

    No join, so no DISTINCT; each part is found through an index first.
    """
    text = text.strip()
    if not text:
        return queryset
    condition = Q(public_id=text) | claim_text_condition(text)
    # Aliases hold names and short names too; ``key`` is the casefolded
    # alias, trigram-indexed on PostgreSQL (migration 0010).
    sources = list(
        SourceAlias.objects.filter(key__contains=SourceAlias.normalise(text))
        .order_by()
        .values_list("source_id", flat=True)
        .distinct()[:ADMIN_SEARCH_SOURCES]
    )
    if sources:
        condition |= claims_citing_condition(sources)
    return queryset.filter(condition)
