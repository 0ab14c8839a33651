"""The claim page as a reviewer's desk: its citation and figure forms, and
the two small JSON endpoints its script asks while the editor types.

- A figure is typed as the source worded it ("at least 41 killed"): the
  registry's figure-text parser fills qualifier, value, upper value and,
  when the wording names them, metric and subject; the page shows that
  reading before saving (``figure_reading``), and the form does the same
  reading on save, so it works without the script too.
- A quote is looked up in the cited document (``quote_search``): every
  occurrence to pick from, or the closest passage when the typed quote
  differs (curly quotes, spacing). Only the document's own text is ever
  stored: the model refuses anything else.
- A quote found once (or the occurrence picked) is read as "cite this"
  reads a selection (``quote_reading``): who said it, from its sentence;
  through whom; the claim's kind; the quote as a first statement. The page
  fills only what the editor left empty.
- The relay chain is typed as names or aliases in order ("EFE").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry import services
from registry.choices import FigureKind
from registry.figures import intervals, parser, rules, vocabulary
from registry.figures.quotes import find_quote
from registry.figures.rules import interval_text
from registry.models import Citation, Document, Figure, Source, part_problem
from registry.selectors import proposals as proposal_reads
from registry.selectors import review

# A document's language first; then the other language the parser reads.
WORDING_LANGUAGES = parser.LANGUAGES
# Between a stated total and the parts it lists: "11 killed: one civilian...".
TOTAL_SEPARATOR = re.compile(r"\s*(?::|\u2013|\u2014|\s-\s)\s*")
RELAY_SEPARATORS = re.compile(r"\s*(?:\u2192|->|>|;|,|\n)\s*")


# ------------------------------------------------------------------ figures


def read_wording(text: str, language: str = "") -> parser.ParsedFigure:
    """The figure ``text`` states, read in ``language`` first and then in the
    parser's other languages. Raises ``FigureTextError`` with the first
    language's reason."""
    order = [language] if language in WORDING_LANGUAGES else []
    order += [lang for lang in WORDING_LANGUAGES if lang not in order]
    first_error = None
    for lang in order:
        try:
            return parser.parse_figure_text(text, lang)
        except parser.FigureTextError as exc:
            first_error = first_error or exc
    raise first_error


@dataclass(frozen=True)
class Breakdown:
    """A wording read as a total with its parts: ``total`` is the total as
    stated ("11 killed: one civilian, three soldiers and seven fighters"),
    or None when the wording gives only the parts (its total is computed
    from them); ``parts`` are (subject, value) with one entry per subject."""

    total: parser.ParsedFigure | None
    listed: parser.ParsedFigure
    parts: tuple[tuple[str | None, int], ...]


def read_breakdown(text: str, language: str = "") -> Breakdown | None:
    """The parts a wording lists, with its stated total if it gives one
    before a colon or a dash ("11 killed: one civilian, three soldiers and
    seven fighters"); None when it lists no parts. Parts of one subject are
    added together ("una niña y un niño": two children)."""
    total = None
    head, tail = ([*TOTAL_SEPARATOR.split(text.strip(), maxsplit=1), ""])[:2]
    listed = None
    if tail:
        try:
            total = read_wording(head, language)
            listed = read_wording(tail, language)
        except parser.FigureTextError:
            total = None
        if total is not None and total.parts:
            total = None
        if total is None:
            listed = None
    if listed is None:
        listed = read_wording(text, language)
    if not listed.parts:
        return None
    summed: dict[str | None, int] = {}
    for part in listed.parts:
        summed[part.subject] = summed.get(part.subject, 0) + part.value
    return Breakdown(total, listed, tuple(summed.items()))


def figure_reading(text: str, language: str = "") -> dict:
    """What the page shows under the wording before saving."""
    try:
        parsed = read_wording(text, language)
    except parser.FigureTextError as exc:
        return {"ok": False, "error": str(exc)}
    try:
        breakdown = read_breakdown(text, language)
    except parser.FigureTextError:
        breakdown = None
    if breakdown is not None and breakdown.total is not None:
        parsed = breakdown.total
    interval = intervals.quantity_interval(
        parsed.qualifier, parsed.value, parsed.value_high
    )
    return {
        "breakdown": None
        if breakdown is None
        else {
            "total_stated": breakdown.total is not None,
            "parts": [
                {"subject": subject, "value": value}
                for subject, value in breakdown.parts
            ],
        },
        "ok": True,
        "qualifier": str(parsed.qualifier),
        "qualifier_label": parsed.qualifier.label
        if hasattr(parsed.qualifier, "label")
        else str(parsed.qualifier),
        "value": parsed.value,
        "value_high": parsed.value_high,
        "metric": parsed.metric,
        "subject": parsed.subject,
        "interval": interval_text(FigureKind.QUANTITY, interval),
        "increment": parsed.increment,
    }


class FigureForm(forms.ModelForm):
    """Typed as worded: what the wording says fills the fields left empty.
    A wording that lists parts ("one civilian, three soldiers and seven
    fighters") may be recorded as a total with its parts in one go."""

    with_parts = forms.BooleanField(
        required=False,
        label=gettext_lazy("Record its parts too"),
        help_text=gettext_lazy(
            "When the wording lists parts (“11 killed: one civilian, three "
            "soldiers and seven fighters”), record this figure as their total "
            "and each part as a figure of its own; a total the wording does not "
            "state is computed from the parts."
        ),
    )

    class Meta:
        model = Figure
        fields = [
            "kind",
            "stated",
            "metric",
            "subject",
            "qualifier",
            "value",
            "value_high",
            "unit",
            "period_start",
            "period_end",
            "as_of",
            "date_value",
            "date_precision",
        ]
        widgets = {
            "stated": forms.TextInput(
                attrs={
                    "size": 50,
                    "class": "figure-wording",
                    "placeholder": gettext_lazy("as worded: at least 41 killed"),
                    "autocomplete": "off",
                }
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stated"].label = _("Figure as worded")
        self.fields["stated"].help_text = _(
            "Type it as the source does (“at least 41 killed”, "
            "“unos 200 heridos”): qualifier, value and, when the wording "
            "names them, metric and subject are read from it."
        )
        for name in ("metric", "subject"):
            self.fields[name].required = False

    def clean(self):
        data = super().clean()
        stated = (data.get("stated") or "").strip()
        is_count = data.get("kind", FigureKind.QUANTITY) == FigureKind.QUANTITY
        reworded = "stated" in self.changed_data and not (
            {"qualifier", "value", "value_high"} & set(self.changed_data)
        )
        missing = not data.get("qualifier") or data.get("value") is None
        self.parts_to_record: list[Figure] = []
        if stated and is_count and data.get("with_parts"):
            return self._clean_breakdown(data, stated)
        if stated and is_count and (missing or reworded):
            try:
                parsed = read_wording(stated)
                breakdown = read_breakdown(stated)
                if breakdown is not None and breakdown.total is not None:
                    parsed = breakdown.total
            except parser.FigureTextError as exc:
                self.add_error(
                    "stated",
                    _("%(reason)s. Give the qualifier and value yourself.")
                    % {"reason": exc},
                )
                return data
            data["qualifier"] = str(parsed.qualifier)
            data["value"] = parsed.value
            data["value_high"] = parsed.value_high
            # Metric and subject: what the wording names, unless the editor
            # chose them in this form.
            for name in ("metric", "subject"):
                named = getattr(parsed, name)
                if named and (not data.get(name) or name not in self.changed_data):
                    data[name] = named
            for name in ("qualifier", "value", "value_high", "metric", "subject"):
                setattr(self.instance, name, data.get(name))
        for name in ("metric", "subject"):
            if not data.get(name) and name not in self.errors:
                self.add_error(
                    name,
                    _("Required: the wording does not name it, so choose it.")
                    if stated
                    else _("This field is required."),
                )
        return data


    def _clean_breakdown(self, data: dict, stated: str) -> dict:
        """The total and its parts, read from a wording that lists them."""
        try:
            breakdown = read_breakdown(stated)
        except parser.FigureTextError as exc:
            self.add_error("stated", str(exc))
            return data
        if breakdown is None:
            self.add_error(
                "with_parts",
                _(
                    "The wording lists no parts (“one civilian, three soldiers "
                    "and seven fighters”): untick this, or list them."
                ),
            )
            return data
        if self.instance.pk is not None and self.instance.parts.exists():
            self.add_error("with_parts", _("This figure has its parts already."))
            return data
        total = breakdown.total or breakdown.listed
        data["qualifier"] = str(total.qualifier)
        data["value"], data["value_high"] = total.value, total.value_high
        named = [subject for subject, _value in breakdown.parts if subject]
        for name, found in (
            ("metric", total.metric or breakdown.listed.metric),
            ("subject", total.subject or vocabulary.common_whole(named)),
        ):
            if found and (not data.get(name) or name not in self.changed_data):
                data[name] = found
        if not data.get("metric") or not data.get("subject"):
            return data  # asked for below
        self.instance.computed = breakdown.total is None
        for name in ("qualifier", "value", "value_high", "metric", "subject"):
            setattr(self.instance, name, data.get(name))
        whole = Figure(
            kind=FigureKind.QUANTITY,
            metric=data["metric"],
            subject=data["subject"],
            period_start=data.get("period_start"),
            period_end=data.get("period_end"),
            as_of=data.get("as_of"),
        )
        qualifier = rules.part_qualifier(str(breakdown.listed.qualifier))
        problems = []
        for subject, value in breakdown.parts:
            part = Figure(
                kind=FigureKind.QUANTITY,
                metric=whole.metric,
                subject=subject or "",
                qualifier=qualifier,
                value=value,
                period_start=whole.period_start,
                period_end=whole.period_end,
                as_of=whole.as_of,
            )
            problem = (
                _("“%(value)s …” does not say whom it counts.") % {"value": value}
                if not subject
                else part_problem(
                    part,
                    whole,
                    siblings=[s for s, _v in breakdown.parts if s and s != subject],
                )
            )
            if problem:
                problems.append(problem)
            self.parts_to_record.append(part)
        if problems:
            self.parts_to_record = []
            self.add_error("with_parts", " ".join(problems))
        return data


# -------------------------------------------------------------- citations


def parse_relays(text: str) -> list[Source]:
    """Names or aliases in order, one source each; raises ValidationError
    naming each one that is unknown."""
    text = (text or "").strip()
    if not text:
        return []
    whole = list(Source.objects.by_alias(text)[:2])
    if len(whole) == 1:  # one name, commas and all
        return whole
    sources, unknown = [], []
    for name in filter(None, RELAY_SEPARATORS.split(text)):
        found = list(Source.objects.by_alias(name)[:2])
        if len(found) != 1:
            unknown.append(name)
        else:
            sources.append(found[0])
    if unknown:
        raise ValidationError(
            _(
                "No source is called %(names)s: use a source's name, short name or "
                "alias, one after another (“EFE → AFP”)."
            )
            % {"names": ", ".join(f"\u201c{n}\u201d" for n in unknown)}
        )
    return sources


class CitationForm(forms.ModelForm):
    relays_text = forms.CharField(
        label=gettext_lazy("Relayed through"),
        required=False,
        help_text=gettext_lazy(
            "Who passed the originator's statement on to this document, in "
            "order from the originator: names or aliases separated by → or "
            "commas (“EFE”). Empty: the document heard it first-hand."
        ),
        widget=forms.TextInput(attrs={"size": 60, "class": "relay-chain"}),
    )

    derived_from_refs = forms.CharField(
        required=False,
        label=gettext_lazy("derived from"),
        help_text=gettext_lazy(
            "When this figure is derived from other citations (an "
            "aggregator's assessment, an agency carrying a ministry's figure): "
            "those citations as CLAIM-ID#N (N: the citation's position in that "
            "claim, from 0), separated by spaces. Derived evidence never counts "
            "as an independent originator."
        ),
    )

    class Meta:
        model = Citation
        fields = [
            "document",
            "originator",
            "attributed_to",
            "quote",
            "start",
            "end",
            "stance",
        ]
        widgets = {
            "quote": forms.Textarea(
                attrs={"rows": 2, "cols": 80, "class": "quote-entry"}
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("start", "end"):
            if name in self.fields:
                self.fields[name].required = False
                self.fields[name].help_text = _(
                    "Filled in when you pick the quote's place in the document."
                )
        if self.instance.pk:
            self.initial.setdefault(
                "relays_text",
                " \u2192 ".join(
                    s.short_name or s.name for s in self.instance.relay_chain
                ),
            )
            self.fields["derived_from_refs"].initial = " ".join(
                review.citation_ref_text(link.basis)
                for link in self.instance.derivation_links.select_related(
                    "basis__claim"
                )
            )
        self.relays: list[Source] | None = None

    def clean_derived_from_refs(self):
        try:
            bases = review.citations_from_refs(self.cleaned_data["derived_from_refs"])
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc
        if self.instance.pk is not None:
            problem = services.derivation_problem(self.instance, bases)
            if problem is not None:
                raise ValidationError(problem)
        return bases

    def clean_relays_text(self):
        text = self.cleaned_data.get("relays_text", "")
        self.relays = parse_relays(text)
        return text

    def clean(self):
        data = super().clean()
        originator = data.get("originator")
        if originator is not None and originator in (self.relays or []):
            self.add_error(
                "relays_text",
                _("The originator cannot also be one of its own relays."),
            )
        document, quote = data.get("document"), data.get("quote")
        if document is None or not quote:
            return data
        start = data.get("start")
        if start is not None and document.text[start : start + len(quote)] == quote:
            data["end"] = start + len(quote)
            self.instance.end = data["end"]
            return data
        search = find_quote(document.text, quote)
        if not search.occurrences:
            if search.closest is not None:
                message = _(
                    "This quote is not verbatim in “%(document)s”. The "
                    "closest passage is “%(passage)s” (characters "
                    "%(start)s-%(end)s): copy it exactly."
                ) % {
                    "document": document,
                    "passage": search.closest.text,
                    "start": search.closest.start,
                    "end": search.closest.end,
                }
            else:
                message = _(
                    "This quote does not occur in “%(document)s”."
                ) % {"document": document}
            raise ValidationError({"quote": message})
        if len(search.occurrences) > 1:
            raise ValidationError(
                {
                    "start": _(
                        "The quote occurs %(count)s times, at characters "
                        "%(places)s: pick one."
                    )
                    % {
                        "count": len(search.occurrences),
                        "places": ", ".join(str(p.start) for p in search.occurrences),
                    }
                }
            )
        data["start"] = search.occurrences[0].start
        data["end"] = search.occurrences[0].end
        self.instance.start, self.instance.end = data["start"], data["end"]
        return data


def statement_from_quote(quote: str) -> str:
    """A first draft of the statement: the quote as a sentence ("at least
    eight soldiers were killed" -> "At least eight soldiers were killed.")."""
    text = " ".join(quote.split()).strip(" \u201c\u201d\"'\u2018\u2019")
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def quote_reading(document: Document, start: int, end: int) -> dict:
    """What the desk fills in for a quote found at ``start``-``end``: who
    said it (the claim proposer's reading of the sentence around it, as
    "cite this" does), through whom, the claim's kind and a first statement.
    The page fills only fields the editor left empty, in sight, before saving;
    the form checks everything again on save."""
    offer = proposal_reads.selection_offer(document=document, start=start, end=end)
    ids = [offer.originator, *offer.relays]
    sources = {
        s.public_id: s
        for s in Source.objects.filter(public_id__in=[i for i in ids if i]).only(
            "pk", "public_id", "name", "short_name"
        )
    }
    originator = sources.get(offer.originator)
    relays = [sources[i] for i in offer.relays if i in sources]
    return {
        "originator": (
            {"id": originator.pk, "label": str(originator)} if originator else None
        ),
        "originator_text": offer.originator_text if originator is None else "",
        "relays": " \u2192 ".join(s.short_name or s.name for s in relays),
        "kind": offer.kind or "",
        "statement": offer.statement or statement_from_quote(document.text[start:end]),
    }


# --------------------------------------------------------- JSON endpoints


def figure_reading_view(request):
    """GET ?text=...&language=...: how the registry reads a figure's wording."""
    text = request.GET.get("text", "")[:300]
    if not text.strip():
        return JsonResponse({"ok": False, "error": _("Type the figure as worded.")})
    reading = figure_reading(text, request.GET.get("language", ""))
    if reading.get("metric"):
        reading["metric_label"] = vocabulary.metric_term(reading["metric"]).label
    return JsonResponse(reading)


def quote_search_view(request):
    """GET ?document=<id>&quote=...: where the quote stands in the document."""
    try:
        document_id = int(request.GET.get("document", ""))
    except ValueError:
        return JsonResponse(
            {"ok": False, "error": _("Choose the document first.")}, status=400
        )
    # The whole row: the proposer reads its language, date and publisher.
    document = Document.objects.filter(pk=document_id).select_related(
        "publisher"
    ).first()
    if document is None:
        return JsonResponse({"ok": False, "error": _("No such document.")}, status=404)
    quote = request.GET.get("quote", "")[:5000]
    search = find_quote(document.text, quote)
    # The occurrence cited: the only one, or the one picked (?start=).
    cited = search.occurrences[0] if len(search.occurrences) == 1 else None
    picked = request.GET.get("start", "")
    if picked.isdigit():
        cited = next((p for p in search.occurrences if p.start == int(picked)), None)

    def passage(p):
        return {
            "start": p.start,
            "end": p.end,
            "text": p.text,
            "before": p.before,
            "after": p.after,
        }

    return JsonResponse(
        {
            "ok": True,
            "occurrences": [passage(p) for p in search.occurrences],
            "closest": passage(search.closest) if search.closest else None,
            "similarity": search.similarity,
            "reading": (
                quote_reading(document, cited.start, cited.end) if cited else None
            ),
        }
    )
