"""Output serializers: the documented shape of every public response.

Each serializer describes its fields for the OpenAPI schema. Sources,
documents and events are produced through the matching function of
``presentation.claims``; claims, conflicts and corrections are the public
projection's stored documents (built by the same module), written as they
are, so those serializers only document them.
"""

from __future__ import annotations

from rest_framework import serializers

from registry.choices import (
    PUBLIC_STATES,
    ClaimKind,
    ClaimState,
    ConflictStatus,
    DatePrecision,
    DocumentKind,
    FigureKind,
    PlacePrecision,
    Qualifier,
    Reliability,
    SocialPlatform,
    SourceKind,
    Stance,
)
from registry.presentation import claims as rep

PUBLIC_STATE_CHOICES = [(s, ClaimState(s).label) for s in sorted(PUBLIC_STATES)]


class _Output(serializers.Serializer):
    """A read-only serializer whose output comes from ``represent``."""

    represent = None

    def to_representation(self, instance):
        return type(self).represent(instance)


class SourceRefSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The source's stable public identifier.")
    name = serializers.CharField()
    short_name = serializers.CharField(
        help_text="Abbreviation, e.g. SOHR; may be empty."
    )
    kind = serializers.ChoiceField(choices=SourceKind.choices)
    reliability = serializers.ChoiceField(
        choices=Reliability.choices,
        help_text="Reliability grade on the Admiralty scale, A (completely "
        "reliable) to F (cannot be judged).",
    )


class EventRefSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The event's stable public identifier.")
    title = serializers.CharField()
    place = serializers.CharField()
    date_earliest = serializers.DateField(allow_null=True)
    date_latest = serializers.DateField(allow_null=True)
    date_precision = serializers.ChoiceField(choices=DatePrecision.choices)
    place_precision = serializers.ChoiceField(
        choices=PlacePrecision.choices, help_text="How precisely the place is known."
    )
    latitude = serializers.FloatField(
        allow_null=True, help_text="WGS 84 latitude of the place, when known."
    )
    longitude = serializers.FloatField(
        allow_null=True, help_text="WGS 84 longitude of the place, when known."
    )


class DocumentRefSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The document's stable public identifier.")
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    title = serializers.CharField()
    publisher = SourceRefSerializer(allow_null=True)
    url = serializers.CharField(help_text="Address of the document; may be empty.")
    archive_url = serializers.CharField(help_text="An archived copy; may be empty.")
    published_on = serializers.DateField(allow_null=True)
    published_precision = serializers.ChoiceField(choices=DatePrecision.choices)
    language = serializers.CharField(help_text="BCP 47 language code, e.g. en, es.")


class DerivedFromSerializer(serializers.Serializer):
    claim = serializers.CharField(help_text="The basis citation's claim.")
    claim_url = serializers.URLField()
    originator = SourceRefSerializer(allow_null=True)
    attributed_to = serializers.CharField()
    document = serializers.CharField(help_text="The basis citation's document.")
    quote = serializers.CharField()


class CitationSerializer(serializers.Serializer):
    originator = SourceRefSerializer(
        allow_null=True,
        help_text="Who first made the statement; null when the document does "
        "not name them (see attributed_to).",
    )
    attributed_to = serializers.CharField(
        help_text="An unnamed originator as the document describes them ('a "
        "military source', 'local activists'), scoped to this citation; the "
        "first relay is the source it came through. Empty when the originator "
        "is named."
    )
    relay_chain = SourceRefSerializer(
        many=True,
        help_text="Through whom the statement reached the document, nearest "
        "the originator first.",
    )
    document = DocumentRefSerializer(help_text="Where the statement was read.")
    quote = serializers.CharField(help_text="The exact words of the document.")
    start = serializers.IntegerField(help_text="Character offset of the quote.")
    end = serializers.IntegerField(help_text="Offset just past the quote.")
    stance = serializers.ChoiceField(choices=Stance.choices)
    derived = serializers.BooleanField(
        help_text="The cited figure is derived from other citations (an "
        "aggregator's assessment, an agency carrying a ministry's figure): "
        "it is not an independent originator."
    )
    derived_from = DerivedFromSerializer(
        many=True,
        help_text="The published citations it is derived from (a basis the "
        "public cannot see is left out).",
    )


class IntervalSerializer(serializers.Serializer):
    low = serializers.IntegerField(
        allow_null=True, help_text="Lowest count allowed (quantities)."
    )
    high = serializers.IntegerField(
        allow_null=True,
        help_text="Highest count allowed (quantities); null when open upwards.",
    )
    earliest = serializers.DateField(
        allow_null=True, help_text="First day the date may mean (date figures)."
    )
    latest = serializers.DateField(
        allow_null=True, help_text="Last day the date may mean (date figures)."
    )


class OtherFigureSerializer(serializers.Serializer):
    claim = serializers.CharField(help_text="Public id of the claim stating it.")
    claim_url = serializers.URLField()
    statement = serializers.CharField()
    claim_state = serializers.ChoiceField(choices=PUBLIC_STATE_CHOICES)
    stated = serializers.CharField(help_text="The figure as the source worded it.")
    interval = IntervalSerializer(allow_null=True)
    sources = SourceRefSerializer(many=True, help_text="Originators of that claim.")
    unnamed_sources = serializers.ListField(
        child=serializers.CharField(),
        help_text="Its unnamed originators, as the documents describe them.",
    )


class FigureMentionSerializer(serializers.Serializer):
    claim = serializers.CharField(help_text="Public id of the claim stating it.")
    claim_url = serializers.URLField()
    stated = serializers.CharField(help_text="The figure as the source worded it.")
    as_of = serializers.DateField(allow_null=True)


class ExcludedFigureSerializer(FigureMentionSerializer):
    reason = serializers.CharField(help_text="Why the rule left it out.")


class InconsistencySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[
            ("part_exceeds_whole", "a figure about a part is larger than one "
             "about its whole"),
            ("parts_sum", "a total's parts do not add up to it"),
        ]
    )
    part = FigureMentionSerializer(
        allow_null=True,
        help_text="The figure about the part (null for parts_sum).",
    )
    part_subject = serializers.CharField(
        help_text="e.g. children; for parts_sum, the parts' subjects joined "
        "with ' + '."
    )
    parts = FigureMentionSerializer(
        many=True, help_text="parts_sum: the total's parts (empty otherwise)."
    )
    whole = FigureMentionSerializer(help_text="The figure about its whole.")
    whole_subject = serializers.CharField(help_text="e.g. people")
    reason = serializers.CharField()


class PartsCheckSerializer(serializers.Serializer):
    parts = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Positions of the total's parts in the claim's figures.",
    )
    parts_sum = IntervalSerializer(help_text="What the parts add up to.")
    consistent = serializers.BooleanField(
        help_text="Whether the total allows what its parts add up to."
    )
    reason = serializers.CharField()


class RangeSerializer(serializers.Serializer):
    rule = serializers.CharField(help_text="The rule's name (see docs/).")
    low = serializers.JSONField(
        allow_null=True, help_text="A count, or an ISO date for a date figure."
    )
    best = serializers.JSONField(allow_null=True)
    high = serializers.JSONField(
        allow_null=True, help_text="Null with low set: open upwards."
    )
    as_of = serializers.DateField(allow_null=True)
    note = serializers.CharField(help_text="What the rule could not use, if any.")
    excluded = ExcludedFigureSerializer(
        many=True, help_text="Published figures the rule left out, and why."
    )


class RangesSerializer(serializers.Serializer):
    conservative = RangeSerializer(
        help_text="As ACLED: the lowest figure of a source graded A-C."
    )
    best = RangeSerializer(help_text="As UCDP GED: best estimate with low and high.")


class FigureConflictSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="Public id of the conflict.")
    status = serializers.ChoiceField(choices=ConflictStatus.choices)
    rationale = serializers.CharField(
        help_text="Why a value is preferred, or how the figures differ."
    )
    preferred = serializers.BooleanField(
        allow_null=True,
        help_text="Settled conflicts: whether this figure is the preferred one.",
    )
    figures = OtherFigureSerializer(
        many=True, help_text="The disagreeing figures of other published claims."
    )


class FigureSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=FigureKind.choices)
    metric = serializers.CharField(help_text="killed, injured, died_on, ...")
    subject = serializers.CharField(help_text="Who or what is counted or dated.")
    stated = serializers.CharField(help_text="The figure as the source worded it.")
    qualifier = serializers.ChoiceField(
        choices=[("", "none (date figure)"), *Qualifier.choices]
    )
    value = serializers.IntegerField(allow_null=True)
    value_high = serializers.IntegerField(
        allow_null=True, help_text="Upper value of 'between A and B'."
    )
    unit = serializers.CharField()
    date_value = serializers.DateField(allow_null=True)
    date_precision = serializers.ChoiceField(
        choices=[("", "none (quantity)"), *DatePrecision.choices]
    )
    period_start = serializers.DateField(allow_null=True)
    period_end = serializers.DateField(allow_null=True)
    as_of = serializers.DateField(allow_null=True)
    as_of_time = serializers.TimeField(
        allow_null=True, help_text="Time of day of the as-of date, when given."
    )
    interval = IntervalSerializer(
        allow_null=True, help_text="The values the figure allows."
    )
    revised_by = FigureMentionSerializer(
        allow_null=True,
        help_text="The same originator's later figure that replaces this one: "
        "a revised figure stays visible but counts nowhere.",
    )
    revises = FigureMentionSerializer(
        allow_null=True, help_text="The same originator's earlier figure it replaces."
    )
    consensus_interval = IntervalSerializer(
        allow_null=True,
        help_text="Where the largest group of current published figures about "
        "the same quantity agree (their intersection); null when there is no "
        "such group of two or more.",
    )
    ranges = RangesSerializer(
        allow_null=True,
        help_text="The quantity's derived ranges, from current published "
        "figures; null when the quantity has none.",
    )
    inconsistencies = InconsistencySerializer(
        many=True,
        help_text="Published figures about a part larger than a published "
        "figure about its whole (same event, metric, period and date), or "
        "the other way: flagged beside conflicts.",
    )
    conflicts = FigureConflictSerializer(many=True)
    part_of = serializers.IntegerField(
        allow_null=True,
        help_text="Position (from 0) in this claim's figures of the total this "
        "figure is a part of: a part counts in its own subject's consensus "
        "and ranges, never in its total's.",
    )
    computed = serializers.BooleanField(
        help_text="A total the source did not state: the sum of its parts."
    )
    parts_check = PartsCheckSerializer(
        allow_null=True,
        help_text="For a total recorded with its parts: whether they add up.",
    )


class ConfidenceSerializer(serializers.Serializer):
    level = serializers.IntegerField(
        help_text="Admiralty credibility: 1 confirmed, 2 probably true, 3 possibly "
        "true, 4 doubtful, 5 improbable, 6 cannot be judged."
    )
    label = serializers.CharField()
    rationale = serializers.CharField()


class ClaimRefSerializer(serializers.Serializer):
    id = serializers.CharField()
    url = serializers.URLField()
    statement = serializers.CharField()
    state = serializers.ChoiceField(choices=PUBLIC_STATE_CHOICES)
    published_at = serializers.DateTimeField(allow_null=True)


class ClaimSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The claim's stable public identifier.")
    url = serializers.URLField(help_text="This claim in the API.")
    permalink = serializers.URLField(help_text="The claim's public page.")
    statement = serializers.CharField(help_text="The statement, in neutral wording.")
    kind = serializers.ChoiceField(choices=ClaimKind.choices)
    state = serializers.ChoiceField(
        choices=PUBLIC_STATE_CHOICES,
        help_text="approved, or retracted/superseded (see public_note and "
        "corrected_by).",
    )
    confidence = ConfidenceSerializer()
    event = EventRefSerializer(allow_null=True)
    figures = FigureSerializer(many=True)
    citations = CitationSerializer(many=True)
    has_conflict = serializers.BooleanField(
        help_text="Whether a figure disagrees with another published claim's."
    )
    public_note = serializers.CharField(help_text="Why it was retracted or corrected.")
    corrects = ClaimRefSerializer(allow_null=True, help_text="The version it corrects.")
    corrected_by = ClaimRefSerializer(
        allow_null=True, help_text="The version that corrects it."
    )
    correction_chain = ClaimRefSerializer(
        many=True,
        help_text="Every public version, oldest first; empty when never corrected.",
    )
    published_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()


class SourceSerializer(_Output):
    represent = staticmethod(rep.source_data)

    id = serializers.CharField(help_text="The source's stable public identifier.")
    name = serializers.CharField()
    short_name = serializers.CharField()
    kind = serializers.ChoiceField(choices=SourceKind.choices)
    kind_label = serializers.CharField()
    aliases = serializers.ListField(
        child=serializers.CharField(), help_text="Other names it is known by."
    )
    based_in = serializers.CharField()
    parent = SourceRefSerializer(
        allow_null=True, help_text="The organisation it belongs to."
    )
    reliability = serializers.ChoiceField(choices=Reliability.choices)
    reliability_label = serializers.CharField()
    reliability_rationale = serializers.CharField()
    homepage = serializers.CharField()
    platform = serializers.ChoiceField(
        choices=[("", "not a social-media account"), *SocialPlatform.choices],
        help_text="For a social-media account (kind social_media): its platform.",
    )
    handle = serializers.CharField(
        help_text="For a social-media account: its handle, without the @."
    )
    profile_url = serializers.CharField(
        help_text="For a social-media account: its address on the platform."
    )
    published_claim_count = serializers.IntegerField(
        help_text="Published claims it originated."
    )
    relayed_claim_count = serializers.IntegerField(
        help_text="Published claims it relayed from another originator."
    )


class DocumentSerializer(_Output):
    represent = staticmethod(rep.document_data)

    id = serializers.CharField(help_text="The document's stable public identifier.")
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    title = serializers.CharField()
    publisher = SourceRefSerializer(allow_null=True)
    url = serializers.CharField()
    archive_url = serializers.CharField()
    published_on = serializers.DateField(allow_null=True)
    published_precision = serializers.ChoiceField(choices=DatePrecision.choices)
    language = serializers.CharField()
    part_of = serializers.CharField(
        allow_null=True, help_text="Public id of the document this one is part of."
    )
    retrieved_at = serializers.DateTimeField(allow_null=True)
    content_hash = serializers.CharField(
        help_text="SHA-256 of the text as retrieved, to notice a changed text."
    )


class EventSerializer(_Output):
    represent = staticmethod(rep.event_data)

    id = serializers.CharField(help_text="The event's stable public identifier.")
    title = serializers.CharField()
    place = serializers.CharField()
    date_earliest = serializers.DateField(allow_null=True)
    date_latest = serializers.DateField(allow_null=True)
    date_precision = serializers.ChoiceField(choices=DatePrecision.choices)
    description = serializers.CharField()
    place_precision = serializers.ChoiceField(choices=PlacePrecision.choices)
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    published_claim_count = serializers.IntegerField()


class ConflictSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The conflict's stable public identifier.")
    kind = serializers.ChoiceField(choices=FigureKind.choices)
    metric = serializers.CharField()
    subject = serializers.CharField()
    event = EventRefSerializer(allow_null=True)
    period_start = serializers.DateField(allow_null=True)
    period_end = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=ConflictStatus.choices)
    rationale = serializers.CharField()
    preferred_claim = serializers.CharField(
        allow_null=True, help_text="Settled: the claim whose figure is preferred."
    )
    consensus_interval = IntervalSerializer(
        allow_null=True,
        help_text="Where the largest group of the figures agree; null when "
        "there is no such group of two or more.",
    )
    ranges = RangesSerializer()
    figures = OtherFigureSerializer(many=True)
    updated_at = serializers.DateTimeField()


class CorrectionSerializer(serializers.Serializer):
    claim = ClaimRefSerializer(help_text="The claim that was corrected.")
    type = serializers.ChoiceField(choices=["retraction", "supersession"])
    said = serializers.CharField(help_text="What the claim said.")
    now_says = serializers.CharField(
        allow_null=True, help_text="What the correcting claim says; null if withdrawn."
    )
    withdrawn = serializers.BooleanField(
        help_text="True when no published claim replaces it."
    )
    corrected_by = ClaimRefSerializer(allow_null=True)
    corrected_at = serializers.DateTimeField()
    note = serializers.CharField(help_text="The public note: why.")


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong.")
