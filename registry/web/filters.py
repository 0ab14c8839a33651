"""The home page's GET form: the API's claim filters, for people."""

from __future__ import annotations

import datetime as dt

import django_filters as df
from django import forms
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from registry.api.filters import ClaimFilter

# The fields the form shows, in this order (the API's names, so a filtered
# page and the API's list share their query string).
FIELDS = (
    "q",
    "source",
    "event",
    "kind",
    "confidence",
    "min_confidence",
    "has_conflict",
    "language",
    "published_after",
    "published_before",
)

LABELS = {
    "q": _("Search statements and quotes"),
    "source": _("Source (name, abbreviation or id)"),
    "event": _("Event id"),
    "kind": _("Kind of claim"),
    "confidence": _("Confidence exactly"),
    "min_confidence": _("At least this confident"),
    "has_conflict": _("Conflicting figures"),
    "language": _("Document language (e.g. en, es)"),
    "published_after": _("Published on or after"),
    "published_before": _("Published before"),
}


class DateOrTimeField(forms.CharField):
    """A date (YYYY-MM-DD, midnight UTC) or an ISO 8601 time with an offset,
    as a browser's date input or the API's link sends it."""

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return None
        try:
            day = parse_date(value)
            moment = None if day else parse_datetime(value)
        except ValueError:
            moment = day = None
        if day is not None:
            moment = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
        if moment is None or moment.tzinfo is None:
            raise forms.ValidationError(_("Enter a date as YYYY-MM-DD."))
        try:
            moment = moment.astimezone(dt.UTC)
        except (OverflowError, ValueError):
            raise forms.ValidationError(_("This date is out of range.")) from None
        if moment.year < 2 or moment.year > 9998:
            raise forms.ValidationError(_("This date is out of range."))
        return moment


class DateOrTimeFilter(df.Filter):
    field_class = DateOrTimeField


class PublicClaimForm(ClaimFilter):
    """``ClaimFilter`` with labels for people, date inputs and a plain
    yes/no/any choice for conflicts."""

    has_conflict = df.BooleanFilter(
        widget=forms.Select(
            choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))]
        ),
    )
    published_after = DateOrTimeFilter(
        field_name="published_at",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    published_before = DateOrTimeFilter(
        field_name="published_at",
        lookup_expr="lt",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.form.fields.items():
            field.help_text = ""
            choices = list(getattr(field, "choices", None) or [])
            if choices:
                # Every select starts with "Any": without it a browser sends
                # its first level (confidence=1) with every search.
                rest = choices[1:] if choices[0][0] == "" else choices
                field.choices = [("", _("Any")), *rest]
            if name in LABELS:
                field.label = LABELS[name]

    def visible_fields(self):
        return [self.form[name] for name in FIELDS if name in self.form.fields]

    def is_filtered(self) -> bool:
        return any(
            self.form.cleaned_data.get(name) not in (None, "")
            for name in FIELDS
            if name in self.form.fields
        )
