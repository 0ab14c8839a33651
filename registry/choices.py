"""Enumerations of the registry's vocabulary, in one place."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceKind(models.TextChoices):
    MONITOR = "monitor", _("Monitoring group")
    NEWS_OUTLET = "news_outlet", _("News outlet")
    NEWS_AGENCY = "news_agency", _("News agency")
    GOVERNMENT = "government", _("Government body")
    INTERGOVERNMENTAL = "intergovernmental", _("Intergovernmental body")
    OFFICIAL = "official", _("Official")
    ARMED_GROUP = "armed_group", _("Armed group")
    PUBLISHER = "publisher", _("Publishing outlet (unattributed statements)")
    SOCIAL_MEDIA = "social_media", _("Social-media account")
    OTHER = "other", _("Other")


class SocialPlatform(models.TextChoices):
    """Where a social-media account lives; its handle follows the platform's
    own rules (``HANDLE_RULES``)."""

    X = "x", "X (formerly Twitter)"
    FACEBOOK = "facebook", "Facebook"
    INSTAGRAM = "instagram", "Instagram"
    TELEGRAM = "telegram", "Telegram"
    YOUTUBE = "youtube", "YouTube"
    TIKTOK = "tiktok", "TikTok"


# platform -> (pattern of a handle, stored without its "@"; what it allows;
# the profile address with {handle}). The database checks the same patterns.
HANDLE_RULES = {
    SocialPlatform.X: (
        r"^[A-Za-z0-9_]{1,15}$",
        "1-15 letters, digits or underscores",
        "https://x.com/{handle}",
    ),
    SocialPlatform.FACEBOOK: (
        r"^[A-Za-z0-9.]{5,50}$",
        "5-50 letters, digits or dots",
        "https://www.facebook.com/{handle}",
    ),
    SocialPlatform.INSTAGRAM: (
        r"^[A-Za-z0-9._]{1,30}$",
        "1-30 letters, digits, dots or underscores",
        "https://www.instagram.com/{handle}",
    ),
    SocialPlatform.TELEGRAM: (
        r"^[A-Za-z][A-Za-z0-9_]{4,31}$",
        "5-32 letters, digits or underscores, starting with a letter",
        "https://t.me/{handle}",
    ),
    SocialPlatform.YOUTUBE: (
        r"^[A-Za-z0-9._-]{3,30}$",
        "3-30 letters, digits, dots, hyphens or underscores",
        "https://www.youtube.com/@{handle}",
    ),
    SocialPlatform.TIKTOK: (
        r"^[A-Za-z0-9._]{2,24}$",
        "2-24 letters, digits, dots or underscores",
        "https://www.tiktok.com/@{handle}",
    ),
}


class Reliability(models.TextChoices):
    """Source reliability on the Admiralty (NATO) scale."""

    A = "A", _("A: completely reliable")
    B = "B", _("B: usually reliable")
    C = "C", _("C: fairly reliable")
    D = "D", _("D: not usually reliable")
    E = "E", _("E: unreliable")
    F = "F", _("F: reliability cannot be judged")


class Confidence(models.IntegerChoices):
    """Credibility of a claim on the Admiralty scale."""

    CONFIRMED = 1, _("1: confirmed by independent sources")
    PROBABLY_TRUE = 2, _("2: probably true")
    POSSIBLY_TRUE = 3, _("3: possibly true")
    DOUBTFUL = 4, _("4: doubtful")
    IMPROBABLE = 5, _("5: improbable")
    CANNOT_JUDGE = 6, _("6: truth cannot be judged")


class DocumentKind(models.TextChoices):
    ARTICLE = "article", _("Article")
    REPORT = "report", _("Report")
    STATEMENT = "statement", _("Statement")
    CAPTION = "caption", _("Photo caption")
    ANNOUNCEMENT = "announcement", _("Announcement")
    FACT_CHECK = "fact_check", _("Fact-check (another organisation's review)")
    OTHER = "other", _("Other")


class DatePrecision(models.TextChoices):
    """How precisely a date is known, as conflict datasets (UCDP GED) code it."""

    DAY = "day", _("Exact day")
    DAYS = "days", _("Within a few days")
    WEEK = "week", _("Within a week")
    MONTH = "month", _("Within a month")
    YEAR = "year", _("Within a year")


class PlacePrecision(models.TextChoices):
    EXACT = "exact", _("Exact place")
    NEAR = "near", _("Near a place")
    DISTRICT = "district", _("District")
    PROVINCE = "province", _("Province")
    COUNTRY = "country", _("Country")


class ClaimKind(models.TextChoices):
    CASUALTY_FIGURE = "casualty_figure", _("Casualty figure")
    EVENT = "event", _("Event")
    DATE = "date", _("Date")
    QUOTATION = "quotation", _("Quotation")
    OTHER = "other", _("Other")


class ClaimState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    RETRACTED = "retracted", _("Retracted")
    SUPERSEDED = "superseded", _("Superseded")


# States the public may see; everything else stays inside the newsroom.
PUBLIC_STATES = frozenset(
    {ClaimState.APPROVED, ClaimState.RETRACTED, ClaimState.SUPERSEDED}
)
# Published claims whose figures the registry currently stands behind: a
# retracted or superseded claim stays visible, but its figures no longer
# count in public conflicts, consensus or ranges.
LIVE_STATES = frozenset({ClaimState.APPROVED})
# States in which a claim, its citations and figures are frozen.
LOCKED_STATES = PUBLIC_STATES


class Stance(models.TextChoices):
    ASSERTS = "asserts", _("Asserts")
    DISPUTES = "disputes", _("Disputes")


class FigureKind(models.TextChoices):
    QUANTITY = "quantity", _("Quantity")
    DATE = "date", _("Date")


class Qualifier(models.TextChoices):
    EXACTLY = "exactly", _("exactly")
    AT_LEAST = "at_least", _("at least")
    MORE_THAN = "more_than", _("more than")
    AT_MOST = "at_most", _("at most")
    FEWER_THAN = "fewer_than", _("fewer than")
    ABOUT = "about", _("about")
    BETWEEN = "between", _("between")


class ConflictStatus(models.TextChoices):
    OPEN = "open", _("Open")
    EXPLAINED = "explained", _("Explained (different scope or date)")
    SETTLED = "settled", _("Settled (one value preferred)")


class ConflictAction(models.TextChoices):
    """What happened to a conflict, as its audit trail records it."""

    OPENED = "opened", _("Opened (figures disagree)")
    REOPENED = "reopened", _("Reopened (a new figure disagrees)")
    EXPLAINED = "explained", _("Explained")
    SETTLED = "settled", _("Settled")
    DISSOLVED = "dissolved", _("Dissolved (figures agree again)")


# The review workflow: which state may follow which. Services check every
# transition against this map after locking the claim's row.
TRANSITIONS = {
    ClaimState.DRAFT: frozenset({ClaimState.IN_REVIEW}),
    ClaimState.CHANGES_REQUESTED: frozenset({ClaimState.IN_REVIEW}),
    ClaimState.IN_REVIEW: frozenset(
        {ClaimState.APPROVED, ClaimState.REJECTED, ClaimState.CHANGES_REQUESTED}
    ),
    ClaimState.APPROVED: frozenset({ClaimState.RETRACTED, ClaimState.SUPERSEDED}),
    ClaimState.REJECTED: frozenset(),
    ClaimState.RETRACTED: frozenset(),
    ClaimState.SUPERSEDED: frozenset(),
}
