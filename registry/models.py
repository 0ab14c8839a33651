"""The registry's data model; see ../shared/DESIGN.md for each concept.

State changes go through ``registry.services``; the models hold the fields,
the invariants the database enforces, and the derivations that must stay in
step with the stored values (content hashes, figure intervals).
"""

from __future__ import annotations

import functools
import hashlib
import operator
import re
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Length, Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.choices import (
    HANDLE_RULES,
    ClaimKind,
    ClaimState,
    Confidence,
    ConflictAction,
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
from registry.figures import intervals, vocabulary

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, lower case


def new_public_id() -> str:
    """A random 12-character identifier (60 bits): stable, reveals no row count."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(12))


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class PublicIdModel(models.Model):
    public_id = models.CharField(
        max_length=64,
        unique=True,
        default=new_public_id,
        editable=False,
        verbose_name=_("public id"),
    )
    created_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("created at")
    )
    updated_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("updated at")
    )

    class Meta:
        abstract = True

    def save(self, *args, touch: bool = True, **kwargs):
        # Imports pass touch=False so that timestamps round-trip unchanged.
        if touch and not self._state.adding:
            self.updated_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "updated_at"}
        super().save(*args, **kwargs)


class SourceQuerySet(models.QuerySet):
    def by_alias(self, text: str):
        """Sources whose name, short name or alias matches, ignoring case."""
        return self.filter(aliases__key=SourceAlias.normalise(text)).distinct()


class Source(PublicIdModel):
    name = models.CharField(max_length=300, verbose_name=_("name"))
    short_name = models.CharField(
        max_length=60, blank=True, verbose_name=_("short name")
    )
    kind = models.CharField(
        max_length=32, choices=SourceKind.choices, verbose_name=_("kind")
    )
    based_in = models.CharField(max_length=200, blank=True, verbose_name=_("based in"))
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The organisation an official or unit belongs to.",
        verbose_name=_("parent"),
    )
    reliability = models.CharField(
        max_length=1,
        choices=Reliability.choices,
        default=Reliability.F,
        verbose_name=_("reliability"),
    )
    reliability_rationale = models.TextField(
        blank=True, verbose_name=_("reliability rationale")
    )
    homepage = models.URLField(blank=True, verbose_name=_("homepage"))
    platform = models.CharField(
        max_length=20,
        choices=SocialPlatform.choices,
        blank=True,
        help_text="For a social-media account: where it lives.",
        verbose_name=_("platform"),
    )
    handle = models.CharField(
        max_length=100,
        blank=True,
        help_text="For a social-media account: its handle on that platform, "
        "without the @ (an @ is removed).",
        verbose_name=_("handle"),
    )

    objects = SourceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["name"]
        # The admin list's order (it adds the primary key).
        indexes = [models.Index(fields=["name", "-id"], name="source_list")]
        constraints = [
            models.CheckConstraint(
                condition=Q(reliability__in=Reliability.values),
                name="source_reliability_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=SourceKind.values), name="source_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="source_not_own_parent",
                violation_error_message=_("A source cannot be its own parent."),
            ),
            # A social-media account has a platform and a handle that follows
            # the platform's rules; no other kind of source has either.
            models.CheckConstraint(
                condition=functools.reduce(
                    operator.or_,
                    (
                        Q(kind=SourceKind.SOCIAL_MEDIA, platform=p, handle__regex=rule[0])
                        for p, rule in HANDLE_RULES.items()
                    ),
                )
                | (~Q(kind=SourceKind.SOCIAL_MEDIA) & Q(platform="", handle="")),
                name="source_social_media_account_valid",
            ),
            models.UniqueConstraint(
                Lower("handle"),
                "platform",
                condition=~Q(platform=""),
                name="source_account_unique",
                violation_error_message="Another source is this account.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.short_name})" if self.short_name else self.name

    @property
    def profile_url(self) -> str:
        """The social-media account's address; empty for other sources."""
        rule = HANDLE_RULES.get(self.platform)
        return rule[2].format(handle=self.handle) if rule and self.handle else ""

    def clean_account(self) -> None:
        """Normalise and check a social-media account's platform and handle."""
        self.handle = self.handle.strip().removeprefix("@")
        if self.kind != SourceKind.SOCIAL_MEDIA:
            if self.platform or self.handle:
                raise ValidationError(
                    {"kind": "Only a social-media account has a platform and handle."}
                )
            return
        rule = HANDLE_RULES.get(self.platform)
        if rule is None:
            raise ValidationError(
                {"platform": "A social-media account needs its platform."}
            )
        if not re.fullmatch(rule[0].strip("^$"), self.handle):
            raise ValidationError(
                {
                    "handle": f"{self.handle!r} is not a "
                    f"{SocialPlatform(self.platform).label} handle ({rule[1]})."
                }
            )

    def clean(self):
        self.clean_account()
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError(
                    {"parent": "A source cannot be its own ancestor."}
                )
            ancestor = ancestor.parent
        for field in ("name", "short_name"):
            clash = self._alias_clash(getattr(self, field))
            if clash is not None:
                raise ValidationError(
                    {field: f"{clash.alias!r} already names {clash.source}."}
                )

    def _alias_clash(self, name: str):
        if not name:
            return None
        clash = SourceAlias.objects.filter(key=SourceAlias.normalise(name)).first()
        return clash if clash is not None and clash.source_id != self.pk else None

    @transaction.atomic
    def save(self, *args, **kwargs):
        # Atomic: a refused alias must not leave the source saved without it.
        super().save(*args, **kwargs)
        # Name and short name are aliases too, so one unique index covers
        # every way a source is looked up.
        for name in (self.name, self.short_name):
            if not name:
                continue
            clash = self._alias_clash(name)
            if clash is not None:
                raise ValidationError(f"{name!r} already names {clash.source}.")
            SourceAlias.objects.get_or_create(
                key=SourceAlias.normalise(name),
                defaults={"source": self, "alias": name},
            )

    @property
    def extra_aliases(self) -> list[str]:
        own = {SourceAlias.normalise(n) for n in (self.name, self.short_name) if n}
        return sorted(a.alias for a in self.aliases.all() if a.key not in own)


class SourceAlias(models.Model):
    source = models.ForeignKey(
        Source,
        on_delete=models.CASCADE,
        related_name="aliases",
        verbose_name=_("source"),
    )
    alias = models.CharField(max_length=300, verbose_name=_("alias"))
    key = models.CharField(
        max_length=300, unique=True, editable=False, verbose_name=_("key")
    )

    class Meta:
        verbose_name = _("source alias")
        ordering = ["alias"]
        verbose_name_plural = _("source aliases")

    def __str__(self) -> str:
        return self.alias

    @staticmethod
    def normalise(text: str) -> str:
        return " ".join(text.split()).casefold()

    def clean(self):
        key = self.normalise(self.alias)
        clash = SourceAlias.objects.filter(key=key).exclude(pk=self.pk).first()
        if clash is not None and clash.source_id != self.source_id:
            raise ValidationError(
                {"alias": f"{self.alias!r} already names {clash.source}."}
            )

    def save(self, *args, **kwargs):
        self.key = self.normalise(self.alias)
        super().save(*args, **kwargs)


class Document(PublicIdModel):
    kind = models.CharField(
        max_length=32, choices=DocumentKind.choices, verbose_name=_("kind")
    )
    title = models.CharField(max_length=500, verbose_name=_("title"))
    publisher = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("publisher"),
    )
    part_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parts",
        help_text="The article a caption or excerpt appears in.",
        verbose_name=_("part of"),
    )
    url = models.URLField(max_length=1000, blank=True, verbose_name=_("url"))
    archive_url = models.URLField(
        max_length=1000, blank=True, verbose_name=_("archive url")
    )
    retrieved_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("retrieved at")
    )
    published_on = models.DateField(
        null=True, blank=True, verbose_name=_("published on")
    )
    published_precision = models.CharField(
        max_length=8,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        verbose_name=_("published precision"),
    )
    language = models.CharField(
        max_length=16, help_text="BCP 47 code, e.g. en, es.", verbose_name=_("language")
    )
    text = models.TextField(
        help_text="The full text as retrieved.", verbose_name=_("text")
    )
    content_hash = models.CharField(
        max_length=64, editable=False, verbose_name=_("content hash")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-published_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=DocumentKind.values), name="document_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(published_precision__in=DatePrecision.values),
                name="document_precision_valid",
            ),
            models.CheckConstraint(
                condition=~Q(language=""), name="document_language_set"
            ),
        ]
        indexes = [
            models.Index(fields=["language"]),
            # The admin list's order (it adds the primary key).
            models.Index(
                fields=["-published_on", "title", "-id"], name="document_list"
            ),
            models.Index(fields=["url"], name="document_url"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # The hash always describes the stored text, so a changed text is noticed.
        self.content_hash = text_hash(self.text)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "content_hash"}
        super().save(*args, **kwargs)


class Event(PublicIdModel):
    title = models.CharField(max_length=500, verbose_name=_("title"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    date_earliest = models.DateField(
        null=True, blank=True, verbose_name=_("date earliest")
    )
    date_latest = models.DateField(null=True, blank=True, verbose_name=_("date latest"))
    date_precision = models.CharField(
        max_length=8,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        verbose_name=_("date precision"),
    )
    place = models.CharField(max_length=300, blank=True, verbose_name=_("place"))
    place_precision = models.CharField(
        max_length=10,
        choices=PlacePrecision.choices,
        default=PlacePrecision.EXACT,
        verbose_name=_("place precision"),
    )
    latitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        verbose_name=_("latitude"),
    )
    longitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        verbose_name=_("longitude"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-date_earliest", "title"]
        # The admin list's order (it adds the primary key).
        indexes = [
            models.Index(fields=["-date_earliest", "title", "-id"], name="event_list"),
            # The events an article's places name (selectors.suggestions);
            # the place's first words go through event_place_trgm (0012).
            models.Index(Lower("place"), name="event_place_folded"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_earliest__isnull=True)
                | Q(date_latest__isnull=True)
                | Q(date_earliest__lte=F("date_latest")),
                name="event_dates_ordered",
                violation_error_message=_(
                    "The earliest date must not be after the latest."
                ),
            ),
            models.CheckConstraint(
                condition=Q(date_precision__in=DatePrecision.values),
                name="event_date_precision_valid",
            ),
            models.CheckConstraint(
                condition=Q(place_precision__in=PlacePrecision.values),
                name="event_place_precision_valid",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90),
                name="event_latitude_range",
                violation_error_message=_("Latitude runs from -90 to 90."),
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True)
                | Q(longitude__gte=-180, longitude__lte=180),
                name="event_longitude_range",
                violation_error_message=_("Longitude runs from -180 to 180."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="event_coordinates_paired",
                violation_error_message=_(
                    "Give both latitude and longitude, or neither."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Claim(PublicIdModel):
    statement = models.TextField(
        help_text="The checkable statement, in neutral wording.",
        verbose_name=_("statement"),
    )
    kind = models.CharField(
        max_length=32, choices=ClaimKind.choices, verbose_name=_("kind")
    )
    event = models.ForeignKey(
        Event,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claims",
        verbose_name=_("event"),
    )
    confidence = models.PositiveSmallIntegerField(
        choices=Confidence.choices, null=True, blank=True, verbose_name=_("confidence")
    )
    confidence_rationale = models.TextField(
        blank=True, verbose_name=_("confidence rationale")
    )
    state = models.CharField(
        max_length=20,
        choices=ClaimState.choices,
        default=ClaimState.DRAFT,
        verbose_name=_("state"),
    )
    public_note = models.TextField(
        blank=True,
        help_text="Shown to the public when the claim is retracted.",
        verbose_name=_("public note"),
    )
    corrects = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrected_by",
        help_text="The published claim this one corrects; it supersedes it once approved.",
        verbose_name=_("corrects"),
    )
    published_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("published at")
    )
    suggested_confidence = models.PositiveSmallIntegerField(
        choices=Confidence.choices,
        null=True,
        blank=True,
        editable=False,
        help_text="The registry's suggested level when a reviewer last decided "
        "(approval, or a reviewed suggestion change); internal, never public.",
        verbose_name=_("suggested confidence"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("updated by"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("submitted by"),
    )
    proposer_version = models.CharField(
        max_length=40,
        blank=True,
        editable=False,
        help_text="Set when the claim was accepted from the claim proposer: "
        "the proposer's version. Empty for a claim recorded by hand.",
        verbose_name=_("proposer version"),
    )
    # The last submission's time, as its ClaimTransition says: kept on the
    # row so that the review queue is read in order from an index.
    submitted_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("submitted at")
    )
    # One of the claim's figures is in an open conflict: what
    # ``selectors.review.in_open_conflict()`` computes, kept on the row by
    # conflict detection (``services.conflicts``) so that the admin's
    # "in an open conflict" filter reads a partial index instead of checking
    # claims one by one (1.5% of them match). Derived, so not in history.
    in_open_conflict = models.BooleanField(
        default=False, editable=False, verbose_name=_("in an open conflict")
    )

    history = HistoricalRecords(excluded_fields=["in_open_conflict"])

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ClaimKind.values), name="claim_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=ClaimState.values), name="claim_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(confidence__isnull=True)
                | Q(confidence__in=Confidence.values),
                name="claim_confidence_valid",
            ),
            # What the public sees always carries a confidence level.
            models.CheckConstraint(
                condition=~Q(state__in=["approved", "retracted", "superseded"])
                | Q(confidence__isnull=False),
                name="claim_published_has_confidence",
                violation_error_message=_(
                    "A published claim needs a confidence level."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(state="retracted") | ~Q(public_note=""),
                name="claim_retraction_has_note",
                violation_error_message=_(
                    "A retracted claim needs its public note."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(corrects=F("pk")),
                name="claim_not_own_correction",
                violation_error_message=_("A claim cannot correct itself."),
            ),
        ]
        indexes = [
            models.Index(fields=["state", "-published_at"]),
            models.Index(fields=["state", "created_at"]),
            # The admin's orderings, with the primary key it adds as a
            # tie-breaker, so a page is read from an index, never sorted.
            models.Index(fields=["-created_at", "-id"], name="claim_created"),
            models.Index(fields=["-updated_at", "-id"], name="claim_updated"),
            models.Index(
                fields=["submitted_at", "id"],
                condition=Q(state="in_review"),
                name="claim_queue",
            ),
            # The admin list filtered to claims in an open conflict, in its
            # default order.
            models.Index(
                fields=["-created_at", "-id"],
                condition=Q(in_open_conflict=True),
                name="claim_open_conflict",
            ),
        ]
        permissions = [
            ("review_claim", "Can approve, reject or request changes to a claim"),
            ("retract_claim", "Can retract a published claim"),
        ]

    def __str__(self) -> str:
        text = (
            self.statement if len(self.statement) <= 80 else self.statement[:77] + "..."
        )
        return f"{text} [{self.get_state_display()}]"

    def save(self, *args, **kwargs):
        # ``in_open_conflict`` is written by conflict detection alone: a full
        # save of an instance read before the detection ran must not put
        # back the flag it read.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "in_open_conflict"
            ]
        super().save(*args, **kwargs)


class Citation(models.Model):
    claim = models.ForeignKey(
        Claim,
        on_delete=models.CASCADE,
        related_name="citations",
        verbose_name=_("claim"),
    )
    document = models.ForeignKey(
        Document,
        on_delete=models.PROTECT,
        related_name="citations",
        verbose_name=_("document"),
    )
    originator = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="originated_citations",
        help_text="Who first made the statement, when the document names them. "
        "Empty for an unnamed originator: describe them in 'attributed to'.",
        verbose_name=_("originator"),
    )
    attributed_to = models.CharField(
        max_length=200,
        blank=True,
        help_text="An unnamed originator as the document describes them ('a "
        "military source', 'local activists'), for this citation only; the "
        "source it came through ('via') is the first relay. Empty when the "
        "originator is a named source.",
        verbose_name=_("attributed to"),
    )
    quote = models.TextField(
        help_text="Verbatim, as it appears in the document's text.",
        verbose_name=_("quote"),
    )
    start = models.PositiveIntegerField(
        help_text="Character offset of the quote.", verbose_name=_("start")
    )
    end = models.PositiveIntegerField(
        help_text="Character offset just past the quote.", verbose_name=_("end")
    )
    stance = models.CharField(
        max_length=10,
        choices=Stance.choices,
        default=Stance.ASSERTS,
        verbose_name=_("stance"),
    )
    relays = models.ManyToManyField(
        Source,
        through="CitationRelay",
        related_name="relayed_citations",
        blank=True,
        verbose_name=_("relays"),
    )
    derived_from = models.ManyToManyField(
        "self",
        through="CitationDerivation",
        symmetrical=False,
        related_name="derivations",
        blank=True,
        help_text="The citations this citation's figure is derived from: an "
        "aggregator's assessment, a monitor's synthesis, an agency carrying a "
        "ministry's figure. Derived evidence is not an independent originator.",
        verbose_name=_("derived from"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        ordering = ["claim", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(quote=""),
                name="citation_quote_set",
                violation_error_message=_("A citation needs its exact quote."),
            ),
            models.CheckConstraint(
                condition=Q(end=F("start") + Length("quote")),
                name="citation_offsets_match_quote",
                violation_error_message=_(
                    "The quote's end offset must be its start plus its length: "
                    "leave both empty to have them found in the document."
                ),
            ),
            models.CheckConstraint(
                condition=Q(stance__in=Stance.values), name="citation_stance_valid"
            ),
            # A named source or a description of an unnamed one, never both:
            # an unnamed originator is never stored as a made-up source.
            models.CheckConstraint(
                condition=Q(originator__isnull=False, attributed_to="")
                | (Q(originator__isnull=True) & ~Q(attributed_to="")),
                name="citation_originator_named_or_described",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.originator_label}: \u201c{self.quote[:60]}\u201d"

    @property
    def originator_label(self) -> str:
        """The originator's name, or an unnamed one's description."""
        if self.originator_id is None:
            return f"{self.attributed_to} (unnamed)"
        return str(self.originator)

    @property
    def originator_key(self):
        """Who originated it, for counting: a source's pk, or this citation's
        own unnamed originator (two "military sources" are not known to be
        one)."""
        if self.originator_id is None:
            return ("unnamed", self.pk)
        return self.originator_id

    @property
    def reliability(self) -> str:
        """The originator's grade; an unnamed one cannot be judged (F)."""
        return self.originator.reliability if self.originator_id else "F"

    @property
    def relay_chain(self) -> list[Source]:
        return [r.source for r in self.relay_links.all()]

    def check_quote(self) -> None:
        """Refuse a quote that is not verbatim at its offsets in the document."""
        text = self.document.text
        if self.quote and text[self.start : self.end] == self.quote:
            return
        found = text.find(self.quote) if self.quote else -1
        hint = (
            f" It occurs at {found}-{found + len(self.quote)}."
            if found >= 0
            else " It does not occur anywhere in the document."
        )
        raise ValidationError(
            {
                "quote": (
                    f"The quote is not verbatim at characters {self.start}-{self.end} "
                    f"of \u201c{self.document}\u201d.{hint}"
                )
            }
        )

    def clean(self):
        self.attributed_to = " ".join(self.attributed_to.split())
        if self.originator_id is None and not self.attributed_to:
            raise ValidationError(
                {
                    "originator": "Name the source who first said it, or describe "
                    "an unnamed one in 'attributed to'."
                }
            )
        if self.originator_id is not None and self.attributed_to:
            raise ValidationError(
                {
                    "attributed_to": "Only for an unnamed originator: leave it "
                    "empty when the originator is a named source."
                }
            )
        if (
            self.document_id is not None
            and self.start is not None
            and self.end is not None
        ):
            self.check_quote()

    def save(self, *args, **kwargs):
        self.check_quote()
        super().save(*args, **kwargs)


class CitationRelay(models.Model):
    """One intermediary in the chain through which a statement reached a document."""

    citation = models.ForeignKey(
        Citation,
        on_delete=models.CASCADE,
        related_name="relay_links",
        verbose_name=_("citation"),
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="+", verbose_name=_("source")
    )
    position = models.PositiveSmallIntegerField(verbose_name=_("position"))

    class Meta:
        verbose_name = _("citation relay")
        verbose_name_plural = _("citation relays")
        ordering = ["citation", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["citation", "position"],
                name="relay_position_unique",
                violation_error_message=_(
                    "Two relays cannot share one place in the chain."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.source}"


class CitationDerivation(models.Model):
    """One link of derived evidence: ``citation``'s figure is derived from
    ``basis`` (another citation, usually of another claim). Independence
    counting follows these links to the citations at their end."""

    citation = models.ForeignKey(
        Citation,
        on_delete=models.CASCADE,
        related_name="derivation_links",
        verbose_name=_("citation"),
    )
    basis = models.ForeignKey(
        Citation,
        on_delete=models.CASCADE,
        related_name="basis_links",
        verbose_name=_("basis"),
    )

    class Meta:
        verbose_name = _("citation derivation")
        verbose_name_plural = _("citation derivations")
        ordering = ["citation", "basis"]
        constraints = [
            models.UniqueConstraint(
                fields=["citation", "basis"], name="derivation_unique"
            ),
            models.CheckConstraint(
                condition=~Q(citation=F("basis")),
                name="derivation_not_from_itself",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.citation_id} derived from {self.basis_id}"


def citations_marked_derived(basis_states=None):
    """Citations with ``is_derived``: whether the figure they cite is
    derived from other citations (``rules.derived_figures`` reads it).

    ``basis_states``: count only links to citations of claims in these
    states. The public projection passes the public states, so that a draft
    or rejected basis (which the public never sees, and whose deletion
    removes the link) never changes a public consensus or range."""
    links = CitationDerivation.objects.filter(citation=OuterRef("pk"))
    if basis_states is not None:
        links = links.filter(basis__claim__state__in=basis_states)
    return Citation.objects.annotate(is_derived=Exists(links))


def quantity_key_of(
    *, kind, event_public_id, metric, subject, period_start, period_end
) -> str:
    """What a figure measures, as one hash: figures with the same key are
    about the same quantity."""
    parts = [
        kind,
        event_public_id,
        " ".join(metric.split()).casefold(),
        # "civiles" and "civilians" are one quantity.
        vocabulary.canonical_subject(subject).casefold(),
        str(period_start or ""),
        # The as-of date stays out: a toll counted as of two dates is one
        # quantity, so both land in one check.
        str(period_end or ""),
    ]
    return text_hash("\x1f".join(parts))


class Figure(models.Model):
    """A quantity or a date inside a claim, as stated and as an interval."""

    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="figures", verbose_name=_("claim")
    )
    kind = models.CharField(
        max_length=10,
        choices=FigureKind.choices,
        default=FigureKind.QUANTITY,
        verbose_name=_("kind"),
    )
    metric = models.CharField(
        max_length=60,
        choices=vocabulary.METRIC_CHOICES,
        help_text="From the shared vocabulary; an alias (dead, heridos, ...) "
        "is stored as its term.",
        verbose_name=_("metric"),
    )
    subject = models.CharField(
        max_length=300,
        help_text="Who or what is counted or dated.",
        verbose_name=_("subject"),
    )
    stated = models.CharField(
        max_length=300,
        blank=True,
        help_text="The figure as the source worded it.",
        verbose_name=_("stated"),
    )
    # Quantities
    qualifier = models.CharField(
        max_length=12,
        choices=Qualifier.choices,
        blank=True,
        verbose_name=_("qualifier"),
    )
    value = models.BigIntegerField(null=True, blank=True, verbose_name=_("value"))
    value_high = models.BigIntegerField(
        null=True,
        blank=True,
        help_text="Upper value of 'between A and B'.",
        verbose_name=_("value high"),
    )
    unit = models.CharField(
        max_length=40, blank=True, default="people", verbose_name=_("unit")
    )
    low = models.BigIntegerField(null=True, editable=False, verbose_name=_("low"))
    high = models.BigIntegerField(
        null=True, editable=False, help_text="Empty: open.", verbose_name=_("high")
    )
    period_start = models.DateField(
        null=True, blank=True, verbose_name=_("period start")
    )
    period_end = models.DateField(null=True, blank=True, verbose_name=_("period end"))
    as_of = models.DateField(null=True, blank=True, verbose_name=_("as of"))
    as_of_time = models.TimeField(
        null=True,
        blank=True,
        help_text="Time of day of the as-of date, when a toll is revised "
        "within a day (orders one originator's figures).",
        verbose_name=_("as of time"),
    )
    revises = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="revised_by",
        help_text="The same originator's earlier figure this one replaces, "
        "when the order is known only from the wording ('rose to', 'new toll').",
        verbose_name=_("revises"),
    )
    # Parts and totals: "11 killed: one civilian, three soldiers and seven
    # fighters" is a total (people) and three parts pointing at it.
    part_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="parts",
        help_text="The total of the same claim this figure is a part of: same "
        "metric, period and as-of date, and a subject the vocabulary places "
        "under the total's (civilians under people).",
        verbose_name=_("part of"),
    )
    computed = models.BooleanField(
        default=False,
        # In the table too: rows written by COPY (bench, bulk paths) that
        # name no such column are stated figures.
        db_default=False,
        help_text="A total the source did not state: the sum of its parts, "
        "computed by the registry.",
        verbose_name=_("computed from its parts"),
    )
    # Dates
    date_value = models.DateField(null=True, blank=True, verbose_name=_("date value"))
    date_precision = models.CharField(
        max_length=8,
        choices=DatePrecision.choices,
        blank=True,
        verbose_name=_("date precision"),
    )
    date_earliest = models.DateField(
        null=True, editable=False, verbose_name=_("date earliest")
    )
    date_latest = models.DateField(
        null=True, editable=False, verbose_name=_("date latest")
    )
    quantity_key = models.CharField(
        max_length=64,
        editable=False,
        db_index=True,
        help_text="Hash of what is measured (event, metric, subject, period): "
        "figures with the same key are about the same quantity.",
        verbose_name=_("quantity key"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        ordering = ["claim", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=FigureKind.values), name="figure_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(
                    kind="quantity",
                    qualifier__in=Qualifier.values,
                    # NULL would make each comparison unknown, and a CHECK
                    # passes on unknown: spell out NOT NULL.
                    value__isnull=False,
                    value__gte=0,
                    low__isnull=False,
                    low__gte=0,
                    date_value__isnull=True,
                )
                & (Q(high__isnull=True) | Q(high__gte=F("low")))
                | Q(
                    kind="date",
                    qualifier="",
                    value__isnull=True,
                    date_value__isnull=False,
                    date_precision__in=DatePrecision.values,
                    date_earliest__isnull=False,
                    date_latest__isnull=False,
                    date_earliest__lte=F("date_latest"),
                ),
                name="figure_shape_valid",
                violation_error_message=_(
                    "A count needs a qualifier and a value of 0 or more, and no "
                    "date; a date figure needs a date and its precision, and no "
                    "qualifier or value."
                ),
            ),
            models.CheckConstraint(
                condition=Q(
                    qualifier="between",
                    value_high__isnull=False,
                    value_high__gte=F("value"),
                )
                | (~Q(qualifier="between") & Q(value_high__isnull=True)),
                name="figure_between_bounds",
                violation_error_message=_(
                    "“Between” needs an upper value at least the value; "
                    "other qualifiers take no upper value."
                ),
            ),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_start__lte=F("period_end")),
                name="figure_period_ordered",
                violation_error_message=_(
                    "The period's start must not be after its end."
                ),
            ),
            models.CheckConstraint(
                condition=Q(metric__in=[t.code for t in vocabulary.METRICS]),
                name="figure_metric_in_vocabulary",
                violation_error_message=_(
                    "Choose a metric from the vocabulary (killed, injured, ...)."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(revises=F("pk")),
                name="figure_not_own_revision",
                violation_error_message=_("A figure cannot revise itself."),
            ),
            # A total is recorded before its parts: a part never points at
            # itself or at a later figure, so there is no cycle, and a file
            # (figures in key order) names a part's total before the part.
            models.CheckConstraint(
                condition=Q(part_of__isnull=True)
                | Q(kind="quantity", part_of__lt=F("pk")),
                name="figure_part_after_its_total",
                violation_error_message=_(
                    "A part is a count, recorded after its total."
                ),
            ),
            models.CheckConstraint(
                condition=Q(computed=False) | Q(kind="quantity"),
                name="figure_computed_is_a_count",
                violation_error_message=_("Only a count can be computed from parts."),
            ),
            # Each part of a total counts another subject: a subject listed
            # twice would count twice in the sum.
            models.UniqueConstraint(
                fields=["part_of", "subject"],
                name="figure_part_subject_once",
                violation_error_message=_(
                    "A total has one part per subject: add the counts together."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["claim", "metric"]),
            models.Index(fields=["metric", "subject"]),
        ]

    def __str__(self) -> str:
        if self.kind == FigureKind.DATE:
            return f"{self.metric} {self.subject}: {self.date_value} ({self.date_precision})"
        return f"{self.metric} {self.subject}: {self.stated or self.interval}"

    @property
    def interval(self) -> intervals.Interval | None:
        if self.kind == FigureKind.DATE:
            if self.date_earliest is None:
                return None
            return intervals.Interval(
                self.date_earliest.toordinal(), self.date_latest.toordinal()
            )
        if self.low is None:
            return None
        return intervals.Interval(self.low, self.high)

    def derive_interval(self) -> None:
        """Recompute the stored interval from the figure as stated, and store
        the metric as its vocabulary term."""
        try:
            term = vocabulary.metric_term(self.metric)
        except vocabulary.UnknownTerm as exc:
            raise ValidationError({"metric": str(exc)}) from exc
        self.metric = term.code
        if self.part_of_id is not None and vocabulary.is_term(self.subject):
            # A part's subject is a vocabulary term: stored as the term, so
            # that one subject cannot be listed twice under two aliases.
            self.subject = vocabulary.canonical_subject(self.subject)
        try:
            if self.kind == FigureKind.DATE:
                if self.date_value is None or not self.date_precision:
                    raise ValueError("a date figure needs a date and its precision")
                self.date_earliest, self.date_latest = intervals.date_bounds(
                    self.date_value, self.date_precision
                )
                self.low = self.high = None
            else:
                if self.value is None:
                    raise ValueError("a quantity figure needs a value")
                interval = intervals.quantity_interval(
                    self.qualifier, self.value, self.value_high
                )
                self.low, self.high = interval.low, interval.high
                self.date_earliest = self.date_latest = None
        except ValueError as exc:
            raise ValidationError(
                f"Figure {self.metric} {self.subject!r}: {exc}"
            ) from exc

    def compute_quantity_key(self) -> str:
        # The event's public id, not its row id, so that a key survives an
        # export and import into another database unchanged.
        event = self.claim.event if self.claim_id else None
        return quantity_key_of(
            kind=self.kind,
            event_public_id=event.public_id if event is not None else "",
            metric=self.metric,
            subject=self.subject,
            period_start=self.period_start,
            period_end=self.period_end,
        )

    def clean(self):
        self.derive_interval()
        if self.part_of_id is not None:
            problem = part_problem(self, self.part_of)
            if problem:
                raise ValidationError({"part_of": problem})

    def save(self, *args, **kwargs):
        self.derive_interval()
        self.quantity_key = self.compute_quantity_key()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "low",
                "high",
                "date_earliest",
                "date_latest",
                "quantity_key",
                "metric",
                *(["subject"] if self.part_of_id is not None else []),
            }
        super().save(*args, **kwargs)


def part_problem(
    part: Figure, total: Figure | None, siblings: Iterable[str] | None = None
) -> str | None:
    """Why ``part`` cannot be a part of ``total``, or None: a part belongs
    to a total of the same claim, counts the same metric over the same
    period and as-of date, and counts a subject the vocabulary places under
    the total's ("civilians" under "people"), so that it is never a second
    figure about the total's quantity."""
    if total is None:
        return None
    if total.pk is not None and total.pk == part.pk:
        return str(_("A figure cannot be a part of itself."))
    if part.kind != FigureKind.QUANTITY or total.kind != FigureKind.QUANTITY:
        return str(_("Only counts have parts."))
    if total.claim_id != part.claim_id:
        return str(_("A part belongs to a total of the same claim."))
    if vocabulary.canonical_metric(total.metric) != vocabulary.canonical_metric(
        part.metric
    ):
        return str(
            _("A part counts what its total counts (%(metric)s).")
            % {"metric": total.metric}
        )
    if (part.period_start, part.period_end, part.as_of) != (
        total.period_start,
        total.period_end,
        total.as_of,
    ):
        return str(_("A part has its total's period and as-of date."))
    subject = vocabulary.canonical_subject(part.subject)
    whole = vocabulary.canonical_subject(total.subject)
    if not vocabulary.is_term(subject) or whole not in vocabulary.subject_ancestors(
        subject
    ):
        narrower = ", ".join(vocabulary.subject_descendants(whole)) or "-"
        return str(
            _(
                "“%(part)s” is not a part of “%(whole)s” in the vocabulary; "
                "parts of “%(whole)s”: %(narrower)s."
            )
            % {"part": part.subject, "whole": total.subject, "narrower": narrower}
        )
    if siblings is None:
        siblings = (
            total.parts.exclude(pk=part.pk).values_list("subject", flat=True)
            if total.pk is not None
            else ()
        )
    related = {*vocabulary.subject_ancestors(subject)} | {
        *vocabulary.subject_descendants(subject)
    }
    for other in siblings:
        if vocabulary.canonical_subject(other) in related:
            return str(
                _(
                    "“%(part)s” and “%(other)s” overlap (one is part of the "
                    "other): a total's parts count separate groups."
                )
                % {"part": part.subject, "other": other}
            )
    return None


class SuggestionChange(models.Model):
    """A published claim whose suggested confidence moved after a reviewer
    decided (a conflict settled, a figure revised, a corroborating claim
    published or withdrawn). The stored confidence never changes by itself:
    a reviewer reads the change, and either keeps the level (marks it
    reviewed) or publishes a correction. At most one open change per claim."""

    claim = models.ForeignKey(
        Claim,
        on_delete=models.CASCADE,
        related_name="suggestion_changes",
        verbose_name=_("claim"),
    )
    from_level = models.PositiveSmallIntegerField(
        choices=Confidence.choices, verbose_name=_("from level")
    )
    to_level = models.PositiveSmallIntegerField(
        choices=Confidence.choices, verbose_name=_("to level")
    )
    reasons = models.JSONField(default=list, blank=True, verbose_name=_("reasons"))
    cause = models.CharField(max_length=300, verbose_name=_("cause"))
    created_at = models.DateTimeField(
        default=timezone.now, db_index=True, verbose_name=_("created at")
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("reviewed at")
    )
    note = models.TextField(
        blank=True, help_text="Internal; never public.", verbose_name=_("note")
    )

    class Meta:
        verbose_name = _("suggestion change")
        verbose_name_plural = _("suggestion changes")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_level=F("to_level")),
                name="suggestion_change_changes",
            ),
            models.CheckConstraint(
                condition=Q(from_level__in=Confidence.values)
                & Q(to_level__in=Confidence.values),
                name="suggestion_change_levels_valid",
            ),
            models.UniqueConstraint(
                fields=["claim"],
                condition=Q(reviewed_at__isnull=True),
                name="suggestion_change_one_open_per_claim",
            ),
        ]
        indexes = [
            models.Index(
                fields=["-created_at"],
                condition=Q(reviewed_at__isnull=True),
                name="suggestion_change_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id}: suggestion {self.from_level} -> {self.to_level}"


class ClaimTransition(models.Model):
    """The audit trail of the review workflow: one row per state change."""

    claim = models.ForeignKey(
        Claim,
        on_delete=models.CASCADE,
        related_name="transitions",
        verbose_name=_("claim"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    from_state = models.CharField(
        max_length=20, choices=ClaimState.choices, verbose_name=_("from state")
    )
    to_state = models.CharField(
        max_length=20, choices=ClaimState.choices, verbose_name=_("to state")
    )
    comment = models.TextField(
        blank=True, help_text="Internal; never public.", verbose_name=_("comment")
    )
    created_at = models.DateTimeField(
        default=timezone.now, db_index=True, verbose_name=_("created at")
    )

    class Meta:
        verbose_name = _("claim transition")
        verbose_name_plural = _("claim transitions")
        ordering = ["claim", "created_at", "pk"]
        indexes = [models.Index(fields=["to_state", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.claim_id}: {self.from_state} -> {self.to_state}"


def conflict_open_first() -> Case:
    """Open conflicts before the others: the conflict list's first order key,
    and the expression of its index (both must read the same)."""
    return Case(
        When(status="open", then=Value(0)),
        default=Value(1),
        output_field=models.IntegerField(),
    )


class Conflict(PublicIdModel):
    """Figures about one quantity whose intervals do not all overlap.

    Every figure stays; the conflict records that they disagree and what a
    reviewer made of it. One conflict record per quantity: new disagreeing
    figures reopen it rather than creating another.
    """

    quantity_key = models.CharField(
        max_length=64, unique=True, verbose_name=_("quantity key")
    )
    event = models.ForeignKey(
        Event,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="conflicts",
        verbose_name=_("event"),
    )
    kind = models.CharField(
        max_length=10, choices=FigureKind.choices, verbose_name=_("kind")
    )
    metric = models.CharField(max_length=60, verbose_name=_("metric"))
    subject = models.CharField(max_length=300, verbose_name=_("subject"))
    period_start = models.DateField(
        null=True, blank=True, verbose_name=_("period start")
    )
    period_end = models.DateField(null=True, blank=True, verbose_name=_("period end"))
    status = models.CharField(
        max_length=10,
        choices=ConflictStatus.choices,
        default=ConflictStatus.OPEN,
        verbose_name=_("status"),
    )
    figures = models.ManyToManyField(
        Figure, related_name="conflicts", blank=True, verbose_name=_("figures")
    )
    preferred_figure = models.ForeignKey(
        # PROTECT: a settled conflict must keep the figure it prefers.
        Figure,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("preferred figure"),
    )
    rationale = models.TextField(
        blank=True,
        help_text="Why one value is preferred, or how the figures differ.",
        verbose_name=_("rationale"),
    )
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("settled by"),
    )
    settled_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("settled at")
    )

    class Meta:
        verbose_name = _("conflict")
        verbose_name_plural = _("conflicts")
        ordering = ["status", "-updated_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ConflictStatus.values),
                name="conflict_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="open") | ~Q(rationale=""),
                name="conflict_resolution_has_rationale",
            ),
            models.CheckConstraint(
                condition=~Q(status="settled") | Q(preferred_figure__isnull=False),
                name="conflict_settled_has_preference",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-updated_at"]),
            # The admin list's order: open first, then the latest changed
            # (and the primary key the admin adds).
            models.Index(
                conflict_open_first(),
                F("updated_at").desc(),
                F("id").desc(),
                name="conflict_list",
            ),
        ]
        permissions = [
            ("settle_conflict", "Can settle or explain conflicting figures"),
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.subject} [{self.get_status_display()}]"


class ConflictDecision(models.Model):
    """The audit trail of conflicts: opened, reopened, explained, settled,
    dissolved. Rows outlive their conflict (which is deleted once its figures
    agree again), so they keep the quantity key and the conflict's id."""

    conflict = models.ForeignKey(
        Conflict,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decisions",
        verbose_name=_("conflict"),
    )
    conflict_public_id = models.CharField(
        max_length=64, verbose_name=_("conflict public id")
    )
    quantity_key = models.CharField(
        max_length=64, db_index=True, verbose_name=_("quantity key")
    )
    action = models.CharField(
        max_length=12, choices=ConflictAction.choices, verbose_name=_("action")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty when detection did it.",
        verbose_name=_("actor"),
    )
    from_status = models.CharField(
        max_length=10,
        choices=ConflictStatus.choices,
        blank=True,
        verbose_name=_("from status"),
    )
    to_status = models.CharField(
        max_length=10,
        choices=ConflictStatus.choices,
        blank=True,
        verbose_name=_("to status"),
    )
    preferred_figure = models.ForeignKey(
        Figure,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("preferred figure"),
    )
    rationale = models.TextField(blank=True, verbose_name=_("rationale"))
    figures = models.JSONField(
        default=list,
        blank=True,
        help_text="The member figures at that moment: [id, low, high, as_of] each.",
        verbose_name=_("figures"),
    )
    created_at = models.DateTimeField(
        default=timezone.now, db_index=True, verbose_name=_("created at")
    )

    class Meta:
        verbose_name = _("conflict decision")
        verbose_name_plural = _("conflict decisions")
        ordering = ["quantity_key", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=ConflictAction.values),
                name="conflict_decision_action_valid",
            ),
            models.CheckConstraint(
                condition=~Q(action__in=["settled", "explained"]) | ~Q(rationale=""),
                name="conflict_decision_has_rationale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.conflict_public_id}: {self.action} ({self.created_at:%Y-%m-%d})"


class RejectedProposal(models.Model):
    """A proposal an editor turned down, so that the proposer of that version
    does not offer the same span of the same document again."""

    document = models.ForeignKey(
        Document,
        on_delete=models.CASCADE,
        related_name="rejected_proposals",
        verbose_name=_("document"),
    )
    start = models.PositiveIntegerField(verbose_name=_("start"))
    end = models.PositiveIntegerField(verbose_name=_("end"))
    proposer_version = models.CharField(
        max_length=40, verbose_name=_("proposer version")
    )
    quote = models.TextField(
        help_text="The proposal's quote, for the record.", verbose_name=_("quote")
    )
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("rejected by"),
    )
    rejected_at = models.DateTimeField(
        default=timezone.now, verbose_name=_("rejected at")
    )

    class Meta:
        verbose_name = _("rejected proposal")
        verbose_name_plural = _("rejected proposals")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "start", "end", "proposer_version"],
                name="rejectedproposal_unique",
            ),
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="rejectedproposal_span"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} {self.start}-{self.end} ({self.proposer_version})"


class ReviewQueue(Claim):
    """Claims in review, as a reviewer's work list in the admin.

    A proxy: same rows as Claim, its own admin page and view permission.
    """

    class Meta:
        proxy = True
        verbose_name = _("claim awaiting review")
        verbose_name_plural = _("review queue")


# ------------------------------------------------------- the public read model
# Written only by ``registry.services.projection`` from published rows, in the
# same transaction as the change that moves it; read by every public surface.


class PublicQuantity(models.Model):
    """What the public may know about one quantity: its published figures'
    consensus, ranges and, when they disagree, the public conflict."""

    quantity_key = models.CharField(max_length=64, primary_key=True)
    conflict_public_id = models.CharField(max_length=64, blank=True)
    has_conflict = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=ConflictStatus.choices, blank=True)
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    metric = models.CharField(max_length=60)
    # The quantity's public facts as JSON (consensus, ranges, conflict doc).
    body = models.TextField()
    content_hash = models.CharField(max_length=64)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("public quantity")
        verbose_name_plural = _("public quantities")
        indexes = [
            models.Index(
                fields=["has_conflict", "-updated_at", "conflict_public_id"],
                name="pubquantity_conflicts",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["conflict_public_id"],
                condition=~Q(conflict_public_id=""),
                name="pubquantity_conflict_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.metric} ({self.quantity_key[:8]})"


class PublicClaim(models.Model):
    """One published claim's public document, and the columns its filters use."""

    claim = models.OneToOneField(
        Claim, primary_key=True, on_delete=models.CASCADE, related_name="public"
    )
    public_id = models.CharField(max_length=64, unique=True)
    state = models.CharField(max_length=20, choices=ClaimState.choices)
    kind = models.CharField(max_length=32, choices=ClaimKind.choices)
    confidence = models.PositiveSmallIntegerField(choices=Confidence.choices)
    has_conflict = models.BooleanField(default=False)
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    event_date_earliest = models.DateField(null=True, blank=True)
    event_date_latest = models.DateField(null=True, blank=True)
    published_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    corrected_at = models.DateTimeField(null=True, blank=True)
    # JSON text, API addresses relative to a base filled in per request.
    body = models.TextField()
    claimreview = models.TextField()
    correction = models.TextField(blank=True)
    content_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("public claim")
        verbose_name_plural = _("public claims")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["approved", "retracted", "superseded"]),
                name="publicclaim_state_public",
            ),
        ]
        indexes = [
            models.Index(fields=["-published_at", "-public_id"], name="pubclaim_pub"),
            models.Index(fields=["-updated_at", "-public_id"], name="pubclaim_upd"),
            models.Index(
                fields=["confidence", "-published_at", "-public_id"],
                name="pubclaim_conf",
            ),
            models.Index(
                fields=["has_conflict", "-published_at", "-public_id"],
                name="pubclaim_conflict",
            ),
            models.Index(
                fields=["state", "-published_at", "-public_id"], name="pubclaim_state"
            ),
            models.Index(fields=["event", "-published_at"], name="pubclaim_event"),
            models.Index(
                fields=["-corrected_at", "-public_id"],
                condition=Q(corrected_at__isnull=False),
                name="pubclaim_corrected",
            ),
        ]

    def __str__(self) -> str:
        return self.public_id


class PublicFacet(models.Model):
    """A value a published claim can be filtered by (an originator, a relay,
    a metric, a document language, a document), one row each, kept with the
    claim's publication order so a filtered page walks one index."""

    ORIGINATOR = "o"
    RELAY = "r"
    PUBLISHER = "p"
    METRIC = "m"
    LANGUAGE = "l"
    DOCUMENT = "d"

    claim = models.ForeignKey(
        PublicClaim, on_delete=models.CASCADE, related_name="facets"
    )
    facet = models.CharField(max_length=1)
    value = models.CharField(max_length=300)
    published_at = models.DateTimeField()

    class Meta:
        verbose_name = _("public facet")
        verbose_name_plural = _("public facets")
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "facet", "value"], name="publicfacet_unique"
            ),
        ]
        indexes = [
            models.Index(
                fields=["facet", "value", "-published_at", "claim"],
                name="pubfacet_lookup",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.facet}={self.value}"
