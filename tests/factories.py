import factory
from django.contrib.auth import get_user_model

from registry import models
from registry.choices import ClaimKind, DocumentKind, SourceKind

ARTICLE_TEXT = (
    "The Syrian Observatory for Human Rights said that at least eight soldiers "
    "were killed. Another source said five soldiers died."
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-for-tests-only")


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Source

    name = factory.Sequence(lambda n: f"Source {n}")
    kind = SourceKind.MONITOR
    reliability = "B"


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Document

    kind = DocumentKind.ARTICLE
    title = factory.Sequence(lambda n: f"Article {n}")
    language = "en"
    text = ARTICLE_TEXT


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Event

    title = factory.Sequence(lambda n: f"Event {n}")


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Claim

    statement = factory.Sequence(lambda n: f"Statement {n}")
    kind = ClaimKind.CASUALTY_FIGURE
    event = factory.SubFactory(EventFactory)


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Citation

    claim = factory.SubFactory(ClaimFactory)
    document = factory.SubFactory(DocumentFactory)
    originator = factory.SubFactory(SourceFactory)
    quote = "at least eight soldiers"
    start = factory.LazyAttribute(lambda o: o.document.text.find(o.quote))
    end = factory.LazyAttribute(lambda o: o.start + len(o.quote))


class FigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Figure

    claim = factory.SubFactory(ClaimFactory)
    metric = "killed"
    subject = "soldiers"
    qualifier = "at_least"
    value = 8
