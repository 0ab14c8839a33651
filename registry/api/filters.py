"""Query parameters of the claim list, described for the OpenAPI schema."""

from __future__ import annotations

import datetime as dt

import django_filters as df
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django_filters.constants import EMPTY_VALUES
from rest_framework.exceptions import ValidationError

from registry.api.serializers import PUBLIC_STATE_CHOICES
from registry.choices import (
    ClaimKind,
    Confidence,
    ConflictStatus,
    DocumentKind,
    Reliability,
    SourceKind,
)
from registry.models import (
    Document,
    PublicClaim,
    PublicFacet,
    PublicQuantity,
    Source,
)
from registry.selectors import public, search

ROLE_CHOICES = [
    ("any", "originator or relay"),
    ("originator", "originator: first made the statement"),
    ("relay", "relay: passed it on"),
]


def _in_utc(value: dt.datetime, field_name: str) -> dt.datetime:
    """An ISO 8601 time, turned to UTC here so the database never sees an
    offset or a year it cannot store (a 400 instead of a server error)."""
    try:
        value = value.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        raise ValidationError(
            {field_name: _("This time is out of range once in UTC.")}
        ) from None
    if value.year < 1:
        raise ValidationError({field_name: _("This time is out of range.")})
    return value


class SafeIsoDateTimeFilter(df.IsoDateTimeFilter):
    """An ISO 8601 time, in UTC before it reaches the database."""

    def filter(self, qs, value):
        if value is None:
            return qs
        return super().filter(qs, _in_utc(value, self.field_name))


class ClaimFilter(df.FilterSet):
    """Filters over the public projection's indexed columns and facets."""

    source = df.CharFilter(
        method="filter_source",
        help_text="A source's public id, name, abbreviation or alias "
        "(case-insensitive), e.g. SOHR. See `source_role`.",
    )
    source_role = df.ChoiceFilter(
        choices=ROLE_CHOICES,
        method="filter_noop",
        empty_label=None,
        help_text="With `source`: match the source as originator, as relay, or "
        "either (default).",
    )
    event = df.CharFilter(
        field_name="event__public_id", help_text="An event's public id."
    )
    kind = df.ChoiceFilter(choices=ClaimKind.choices, help_text="The claim's kind.")
    confidence = df.TypedChoiceFilter(
        choices=Confidence.choices,
        coerce=int,
        help_text="Exactly this confidence level (1 confirmed ... 6 cannot be judged).",
    )
    min_confidence = df.TypedChoiceFilter(
        choices=Confidence.choices,
        coerce=int,
        method="filter_min_confidence",
        help_text="At least this confident: levels from 1 up to this one "
        "(1 is the most confident; 6, cannot be judged, is the least).",
    )
    state = df.ChoiceFilter(
        choices=PUBLIC_STATE_CHOICES,
        help_text="Public state: approved, retracted or superseded.",
    )
    has_conflict = df.BooleanFilter(
        help_text="Whether a figure conflicts with another published claim's.",
    )
    metric = df.CharFilter(
        method="filter_metric",
        help_text="Claims with a figure of this metric, e.g. killed (case-insensitive).",
    )
    published_after = SafeIsoDateTimeFilter(
        field_name="published_at",
        lookup_expr="gte",
        help_text="Published at or after this time (ISO 8601).",
    )
    published_before = SafeIsoDateTimeFilter(
        field_name="published_at",
        lookup_expr="lt",
        help_text="Published before this time (ISO 8601).",
    )
    event_after = df.DateFilter(
        method="filter_event_after",
        help_text="Events that may have happened on or after this date (YYYY-MM-DD).",
    )
    event_before = df.DateFilter(
        method="filter_event_before",
        help_text="Events that may have happened on or before this date (YYYY-MM-DD).",
    )
    language = df.CharFilter(
        method="filter_language",
        help_text="Claims cited from a document in this language (BCP 47, e.g. es).",
    )
    q = df.CharFilter(
        method="filter_q",
        help_text="Full-text search over statements and quotes.",
    )

    class Meta:
        model = PublicClaim
        fields = []

    def get_form_class(self):
        # django-filter builds a new form class (a field per filter) on every
        # request; nothing in it depends on the request, so build it once.
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class

    @classmethod
    def clean_query(cls, query) -> dict:
        """The filter parameters of ``query`` (a QueryDict), cleaned by the
        same form fields this FilterSet's form uses, without building a
        FilterSet or a form (each deep-copies its filters and fields).

        Raises ``django.forms.ValidationError`` on the first bad value: the
        caller then lets the FilterSet itself answer with every message.
        """
        if "_query_fields" not in cls.__dict__:
            cls._query_fields = {
                name: filter_.field for name, filter_ in cls.base_filters.items()
            }
        cleaned = {}
        for name, field in cls._query_fields.items():
            # Every widget here reads the parameter of its own name (no
            # multi-widgets), so an absent one is an empty value.
            if name in query:
                cleaned[name] = field.clean(
                    field.widget.value_from_datadict(query, {}, name)
                )
        return cleaned

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        return filter_claims(queryset, self.form.cleaned_data)

    # The methods below document each parameter's type for the OpenAPI
    # schema (drf-spectacular reads their hints); ``filter_claims`` applies
    # the filters, here and in the claim list's lean path.

    def filter_noop(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset

    def filter_source(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return _by_source(queryset, value, self.form.cleaned_data.get("source_role"))

    def filter_min_confidence(
        self, queryset: QuerySet, name: str, value: int
    ) -> QuerySet:
        return queryset.filter(confidence__lte=value)

    def filter_metric(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return _by_metric(queryset, value)

    def filter_event_after(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return _by_event_after(queryset, value)

    def filter_event_before(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(event_date_earliest__lte=value)

    def filter_language(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return _by_language(queryset, value)

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search.search_claims(queryset, value, claim_field="claim_id")


def _by_source(queryset: QuerySet, value: str, role: str | None) -> QuerySet:
    sources = [
        str(pk)
        for pk in public.sources_matching(value.strip()).values_list("pk", flat=True)
    ]
    facets = {
        "originator": [PublicFacet.ORIGINATOR],
        "relay": [PublicFacet.RELAY],
    }.get(role or "any", [PublicFacet.ORIGINATOR, PublicFacet.RELAY])
    return public.with_facet(queryset, facets, sources)


def _by_metric(queryset: QuerySet, value: str) -> QuerySet:
    metric = " ".join(value.split()).casefold()
    return public.with_facet(queryset, PublicFacet.METRIC, [metric])


def _by_event_after(queryset: QuerySet, value) -> QuerySet:
    return queryset.filter(
        Q(event_date_latest__gte=value)
        | Q(event_date_latest__isnull=True, event_date_earliest__gte=value)
    )


def _by_language(queryset: QuerySet, value: str) -> QuerySet:
    return public.with_facet(queryset, PublicFacet.LANGUAGE, [value.strip().casefold()])


def filter_claims(queryset: QuerySet, params: dict) -> QuerySet:
    """The claim list's filters, from cleaned parameter values (empty ones
    ignored), applied in the order they are declared: the one place that
    says what each parameter does, for ``ClaimFilter`` (the API's error
    answers and the public pages' form) and the API's lean list alike."""

    def given(name: str):
        value = params.get(name)
        return None if value in EMPTY_VALUES else value

    if (value := given("source")) is not None:
        queryset = _by_source(queryset, value, given("source_role"))
    if (value := given("event")) is not None:
        queryset = queryset.filter(event__public_id=value)
    if (value := given("kind")) is not None:
        queryset = queryset.filter(kind=value)
    if (value := given("confidence")) is not None:
        queryset = queryset.filter(confidence=value)
    if (value := given("min_confidence")) is not None:
        queryset = queryset.filter(confidence__lte=value)
    if (value := given("state")) is not None:
        queryset = queryset.filter(state=value)
    if (value := given("has_conflict")) is not None:
        queryset = queryset.filter(has_conflict=value)
    if (value := given("metric")) is not None:
        queryset = _by_metric(queryset, value)
    if (value := given("published_after")) is not None:
        queryset = queryset.filter(published_at__gte=_in_utc(value, "published_at"))
    if (value := given("published_before")) is not None:
        queryset = queryset.filter(published_at__lt=_in_utc(value, "published_at"))
    if (value := given("event_after")) is not None:
        queryset = _by_event_after(queryset, value)
    if (value := given("event_before")) is not None:
        queryset = queryset.filter(event_date_earliest__lte=value)
    if (value := given("language")) is not None:
        queryset = _by_language(queryset, value)
    if (value := given("q")) is not None:
        queryset = search.search_claims(queryset, value, claim_field="claim_id")
    return queryset


class SourceFilter(df.FilterSet):
    kind = df.ChoiceFilter(choices=SourceKind.choices, help_text="The source's kind.")
    reliability = df.ChoiceFilter(
        choices=Reliability.choices, help_text="Reliability grade A-F."
    )
    name = df.CharFilter(
        method="filter_name", help_text="A name, abbreviation or alias."
    )

    class Meta:
        model = Source
        fields = []

    def filter_name(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(pk__in=Source.objects.by_alias(value).values("pk"))


class DocumentFilter(df.FilterSet):
    language = df.CharFilter(help_text="BCP 47 language code, e.g. en, es.")
    publisher = df.CharFilter(
        field_name="publisher__public_id", help_text="The publisher's public id."
    )
    kind = df.ChoiceFilter(choices=DocumentKind.choices, help_text="The kind.")

    class Meta:
        model = Document
        fields = []


class ConflictFilter(df.FilterSet):
    status = df.ChoiceFilter(
        choices=ConflictStatus.choices, help_text="open, explained or settled."
    )
    event = df.CharFilter(
        field_name="event__public_id", help_text="An event's public id."
    )
    metric = df.CharFilter(lookup_expr="iexact", help_text="e.g. killed.")

    class Meta:
        model = PublicQuantity
        fields = []
