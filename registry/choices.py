"""Enumerations of the registry's vocabulary, in one place."""

from django.db import models


class SourceKind(models.TextChoices):
    MONITOR = "monitor", "Monitoring group"
    NEWS_OUTLET = "news_outlet", "News outlet"
    NEWS_AGENCY = "news_agency", "News agency"
    GOVERNMENT = "government", "Government body"
    INTERGOVERNMENTAL = "intergovernmental", "Intergovernmental body"
    OFFICIAL = "official", "Official"
    ARMED_GROUP = "armed_group", "Armed group"
    PUBLISHER = "publisher", "Publishing outlet (unattributed statements)"
    SOCIAL_MEDIA = "social_media", "Social-media account"
    OTHER = "other", "Other"


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

    A = "A", "A: completely reliable"
    B = "B", "B: usually reliable"
    C = "C", "C: fairly reliable"
    D = "D", "D: not usually reliable"
    E = "E", "E: unreliable"
    F = "F", "F: reliability cannot be judged"


class Confidence(models.IntegerChoices):
    """Credibility of a claim on the Admiralty scale."""

    CONFIRMED = 1, "1: confirmed by independent sources"
    PROBABLY_TRUE = 2, "2: probably true"
    POSSIBLY_TRUE = 3, "3: possibly true"
    DOUBTFUL = 4, "4: doubtful"
    IMPROBABLE = 5, "5: improbable"
    CANNOT_JUDGE = 6, "6: truth cannot be judged"


class DocumentKind(models.TextChoices):
    ARTICLE = "article", "Article"
    REPORT = "report", "Report"
    STATEMENT = "statement", "Statement"
    CAPTION = "caption", "Photo caption"
    ANNOUNCEMENT = "announcement", "Announcement"
    FACT_CHECK = "fact_check", "Fact-check (another organisation's review)"
    OTHER = "other", "Other"


class DatePrecision(models.TextChoices):
    """How precisely a date is known, as conflict datasets (UCDP GED) code it."""

    DAY = "day", "Exact day"
    DAYS = "days", "Within a few days"
    WEEK = "week", "Within a week"
    MONTH = "month", "Within a month"
    YEAR = "year", "Within a year"


class PlacePrecision(models.TextChoices):
    EXACT = "exact", "Exact place"
    NEAR = "near", "Near a place"
    DISTRICT = "district", "District"
    PROVINCE = "province", "Province"
    COUNTRY = "country", "Country"


class ClaimKind(models.TextChoices):
    CASUALTY_FIGURE = "casualty_figure", "Casualty figure"
    EVENT = "event", "Event"
    DATE = "date", "Date"
    QUOTATION = "quotation", "Quotation"
    OTHER = "other", "Other"


class ClaimState(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    RETRACTED = "retracted", "Retracted"
    SUPERSEDED = "superseded", "Superseded"


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
    ASSERTS = "asserts", "Asserts"
    DISPUTES = "disputes", "Disputes"


class FigureKind(models.TextChoices):
    QUANTITY = "quantity", "Quantity"
    DATE = "date", "Date"


class Qualifier(models.TextChoices):
    EXACTLY = "exactly", "exactly"
    AT_LEAST = "at_least", "at least"
    MORE_THAN = "more_than", "more than"
    AT_MOST = "at_most", "at most"
    FEWER_THAN = "fewer_than", "fewer than"
    ABOUT = "about", "about"
    BETWEEN = "between", "between"


class ConflictStatus(models.TextChoices):
    OPEN = "open", "Open"
    EXPLAINED = "explained", "Explained (different scope or date)"
    SETTLED = "settled", "Settled (one value preferred)"


class ConflictAction(models.TextChoices):
    """What happened to a conflict, as its audit trail records it."""

    OPENED = "opened", "Opened (figures disagree)"
    REOPENED = "reopened", "Reopened (a new figure disagrees)"
    EXPLAINED = "explained", "Explained"
    SETTLED = "settled", "Settled"
    DISSOLVED = "dissolved", "Dissolved (figures agree again)"


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
