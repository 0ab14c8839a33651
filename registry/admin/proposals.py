"""A document's page in the admin, from text to draft claims: "Propose
claims" (the claim proposer's offers beside the text, ticked, edited and
accepted or rejected) and "cite this" (a selected span cited into a new or
an existing claim).

The page is HTML; its script talks to the JSON endpoints here. They answer
400 with the reasons for bad input, 403 to anyone but an editor, 404 for a
document that is not there; the writes go through
``registry.services.proposals``.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.choices import ClaimKind, DatePrecision, FigureKind, Qualifier
from registry.figures import vocabulary
from registry.models import Claim, Document, Event
from registry.proposer import VERSION
from registry.selectors import proposals as selectors
from registry.services import proposals as services

# What an editor needs to turn a proposal into a claim.
EDITOR_PERMISSIONS = ("registry.add_claim", "registry.add_citation", "registry.add_figure")
MAX_PROPOSALS_AT_ONCE = 200
_BIGINT = 2**63 - 1


def may_draft(user) -> bool:
    return user.is_active and user.has_perms(EDITOR_PERMISSIONS)


# ------------------------------------------------------------------ input


class DraftForm(forms.Form):
    """One proposal or selection as the page sends it."""

    start = forms.IntegerField(min_value=0, max_value=_BIGINT)
    end = forms.IntegerField(min_value=1, max_value=_BIGINT)
    quote = forms.CharField(strip=False)
    originator = forms.CharField(max_length=300, required=False)
    # An originator the text does not name, by its description ("a military
    # source"): the citation's attributed_to, instead of a source.
    attributed_to = forms.CharField(max_length=200, required=False)
    claim = forms.CharField(required=False, max_length=64)
    event = forms.CharField(required=False, max_length=64)
    statement = forms.CharField(required=False)
    kind = forms.ChoiceField(choices=[("", ""), *ClaimKind.choices], required=False)
    proposer_version = forms.CharField(required=False, max_length=40)

    def clean(self):
        data = super().clean()
        if not data.get("originator") and not data.get("attributed_to"):
            self.add_error("originator", _("Name who made the statement."))
        elif data.get("originator") and data.get("attributed_to"):
            self.add_error(
                "attributed_to",
                _("Name a registered source or describe an unnamed one, not both."),
            )
        if data.get("claim"):
            return data
        if not data.get("statement"):
            self.add_error("statement", _("A new claim needs a statement."))
        if not data.get("kind"):
            self.add_error("kind", _("A new claim needs a kind."))
        return data


class FigureForm(forms.Form):
    kind = forms.ChoiceField(choices=FigureKind.choices)
    metric = forms.ChoiceField(choices=vocabulary.METRIC_CHOICES)
    subject = forms.CharField(
        max_length=300,
        error_messages={
            "required": gettext_lazy("Say who or what is counted or dated.")
        },
    )
    stated = forms.CharField(max_length=300, required=False)
    qualifier = forms.ChoiceField(
        choices=[("", ""), *Qualifier.choices], required=False
    )
    value = forms.IntegerField(min_value=0, max_value=_BIGINT, required=False)
    value_high = forms.IntegerField(min_value=0, max_value=_BIGINT, required=False)
    period_start = forms.DateField(required=False)
    as_of = forms.DateField(required=False)
    date_value = forms.DateField(required=False)
    date_precision = forms.ChoiceField(
        choices=[("", ""), *DatePrecision.choices], required=False
    )

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == FigureKind.QUANTITY:
            if data.get("value") is None:
                self.add_error("value", _("A quantity needs a value."))
            data["qualifier"] = data.get("qualifier") or Qualifier.EXACTLY
            if data["qualifier"] == Qualifier.BETWEEN:
                if data.get("value_high") is None:
                    self.add_error("value_high", _("'Between' needs a high value."))
            else:
                data["value_high"] = None
            data.update(date_value=None, date_precision="")
        elif kind == FigureKind.DATE:
            if data.get("date_value") is None:
                self.add_error("date_value", _("A date figure needs a date."))
            if not data.get("date_precision"):
                data["date_precision"] = DatePrecision.DAY
            data.update(qualifier="", value=None, value_high=None)
        return data


def _form_data(raw: Any) -> dict:
    """A JSON object as form data: scalars only, None as empty."""
    if not isinstance(raw, dict):
        raise ValidationError(_("Each item must be a JSON object."))
    data = {}
    for name, value in raw.items():
        if value is None:
            value = ""
        if name == "include" or isinstance(value, bool):
            continue
        if not isinstance(value, str | int | float):
            continue  # lists and objects are read separately, or ignored
        data[str(name)] = value
    return data


def _errors(form: forms.Form, prefix: str = "") -> list[str]:
    found = []
    for field, messages in form.errors.items():
        label = "" if field == "__all__" else f"{field}: "
        found += [f"{prefix}{label}{message}" for message in messages]
    return found


def _read_json(request) -> Any:
    try:
        return json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise ValidationError(_("The request body is not valid JSON.")) from None


def _draft(document: Document, raw: Any) -> dict:
    """A proposal or selection read into the service's arguments, or
    ValidationError listing everything wrong with it."""
    form = DraftForm(_form_data(raw))
    problems = [] if form.is_valid() else _errors(form)
    raw_figures = raw.get("figures") or [] if isinstance(raw, dict) else []
    if not isinstance(raw_figures, list):
        raw_figures = []
        problems.append(_("figures: a list is needed."))
    figures = []
    for number, raw_figure in enumerate(raw_figures, start=1):
        prefix = _("Figure %(number)s: ") % {"number": number}
        try:
            figure_form = FigureForm(_form_data(raw_figure))
        except ValidationError as exc:
            problems += [prefix + m for m in exc.messages]
            continue
        if figure_form.is_valid():
            figures.append(figure_form.cleaned_data)
        else:
            problems += _errors(figure_form, prefix)
    if problems:
        raise ValidationError(problems)
    data = form.cleaned_data
    originator = (
        selectors.source_named(data["originator"]) if data["originator"] else None
    )
    if originator is None and not data["attributed_to"]:
        raise ValidationError(
            _(
                "No source is called “%(name)s”: choose a registered "
                "source, or add it first."
            )
            % {"name": data["originator"]}
        )
    claim = None
    if data["claim"]:
        claim = Claim.objects.filter(public_id=data["claim"]).first()
        if claim is None:
            raise ValidationError(
                _("No claim has the id %(id)s.") % {"id": data["claim"]}
            )
    event = None
    if data["event"] and claim is None:
        event = Event.objects.filter(public_id=data["event"]).first()
        if event is None:
            raise ValidationError(
                _("No event has the id %(id)s.") % {"id": data["event"]}
            )
    relays = []
    raw_relays = raw.get("relays") if isinstance(raw, dict) else None
    for relay in raw_relays if isinstance(raw_relays, list) else []:
        source = selectors.source_named(relay) if isinstance(relay, str) else None
        if source is not None:
            relays.append(source)
    return {
        "document": document,
        "start": data["start"],
        "end": data["end"],
        "quote": data["quote"],
        "originator": originator,
        "attributed_to": data["attributed_to"],
        "claim": claim,
        "event": event,
        "statement": data["statement"],
        "kind": data["kind"],
        "figures": figures,
        "relays": relays,
        "proposer_version": data["proposer_version"],
    }


def _claim_json(claim: Claim) -> dict:
    return {
        "public_id": claim.public_id,
        "statement": claim.statement,
        "state": claim.get_state_display(),
        "url": reverse("admin:registry_claim_change", args=[claim.pk]),
    }


def _offer_json(offer: selectors.Offer) -> dict:
    return {
        "key": offer.key,
        "quote": offer.quote,
        "start": offer.start,
        "end": offer.end,
        "originator": offer.originator,
        "originator_label": offer.originator_label,
        "originator_text": offer.originator_text,
        "attributed_to": offer.attributed_to,
        "relays": offer.relays,
        "statement": offer.statement,
        "kind": offer.kind,
        "figures": offer.figures,
        "proposer_version": offer.proposer_version,
        "event": offer.event,
        "duplicates": offer.duplicates,
    }


def _refusal(exc: Exception, status: int = 400) -> JsonResponse:
    messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
    return JsonResponse({"ok": False, "errors": messages}, status=status)


# -------------------------------------------------------------- the views


class DocumentProposalsMixin:
    """Mixed into ``DocumentAdmin``: the propose page and its endpoints."""

    def get_urls(self):

        routes = [
            ("propose/", self.propose_view, "propose"),
            ("proposals/", self.proposals_json, "proposals"),
            ("proposals/accept/", self.accept_json, "proposals_accept"),
            ("proposals/reject/", self.reject_json, "proposals_reject"),
            ("cite/", self.cite_json, "cite"),
        ]
        return [
            path(
                f"<path:object_id>/{route}",
                self.admin_site.admin_view(function),
                name=f"registry_document_{name}",
            )
            for route, function, name in routes
        ] + super().get_urls()

    def _document(self, request, object_id) -> Document | None:
        return self.get_object(request, unquote(object_id))

    def _guard(self, request, object_id, methods) -> tuple[Document | None, Any]:
        """The document, or the response that refuses the request."""
        if request.method not in methods:
            return None, JsonResponse(
                {"ok": False, "errors": [_("Method not allowed.")]},
                status=405,
                headers={"Allow": ", ".join(methods)},
            )
        if not may_draft(request.user):
            return None, JsonResponse(
                {"ok": False, "errors": [_("Only editors can draft claims here.")]},
                status=403,
            )
        document = self._document(request, object_id)
        if document is None:
            return None, JsonResponse(
                {"ok": False, "errors": [_("No such document.")]}, status=404
            )
        return document, None

    def editor_context(self, request, document: Document) -> dict:
        """What the page's script needs: endpoints, choices, its words."""
        ids = [document.pk]
        return {
            "endpoints": {
                "proposals": reverse("admin:registry_document_proposals", args=ids),
                "accept": reverse("admin:registry_document_proposals_accept", args=ids),
                "reject": reverse("admin:registry_document_proposals_reject", args=ids),
                "cite": reverse("admin:registry_document_cite", args=ids),
                "source_add": reverse("admin:registry_source_add"),
                "claims": reverse("admin:registry_claim_changelist"),
            },
            # Suggested once for the page: proposals and "cite this" alike.
            "events": [
                e.as_dict() for e in selectors.document_events(document=document)
            ],
            "choices": {
                "kind": list(ClaimKind.choices),
                "figure_kind": list(FigureKind.choices),
                "metric": list(vocabulary.METRIC_CHOICES),
                "qualifier": list(Qualifier.choices),
                "date_precision": list(DatePrecision.choices),
            },
            "text_length": len(document.text),
            "proposer_version": VERSION,
            "words": {
                "accept": _("Accept ticked proposals"),
                "accepted": _("Draft claim created:"),
                "reject": _("Reject"),
                "rejected": _("Rejected: it will not be offered again."),
                "take": _("Take this proposal"),
                "statement": _("Statement"),
                "event": _("Event"),
                "no_event": _("(no event)"),
                "may_repeat": _("Already in the registry, maybe the same:"),
                "kind": _("Kind"),
                "originator": _("Said by"),
                "originator_help": _("A registered source's name, alias or id."),
                "unresolved": _("Not a registered source yet: add it first."),
                "unnamed": _(
                    "Not named in the text: kept as this citation's "
                    "“attributed to”, not as a source."
                ),
                "figures": _("Figures"),
                "figure": _("Figure"),
                "include": _("include"),
                "metric": _("metric"),
                "subject": _("subject"),
                "qualifier": _("qualifier"),
                "value": _("value"),
                "value_high": _("high value"),
                "date_value": _("date"),
                "date_precision": _("precision"),
                "cite": _("Cite this"),
                "cite_title": _("Cite the selected text"),
                "cite_into": _("Cite into"),
                "new_claim": _("a new draft claim"),
                "save": _("Cite"),
                "cancel": _("Cancel"),
                "none": _("No proposals: the proposer found nothing more to offer."),
                "loading": _("Reading the document..."),
                "failed": _("The request failed:"),
                "none_ticked": _("Tick at least one proposal."),
                "offsets_mismatch": _(
                    "The text on this page is not the stored text: reload the page."
                ),
            },
        }

    def propose_view(self, request, object_id):
        document = self._document(request, object_id)
        if document is None:
            return self._get_obj_does_not_exist_redirect(
                request, self.opts, object_id
            )
        if not may_draft(request.user):
            raise PermissionDenied(_("Only editors can draft claims here."))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": document,
            "title": _("Propose claims: %(title)s") % {"title": document.title},
            "document_text": document.text,
            "editor_config": self.editor_context(request, document),
            "has_view_permission": True,
        }
        return TemplateResponse(
            request, "admin/registry/document/propose.html", context
        )

    def proposals_json(self, request, object_id):
        document, refused = self._guard(request, object_id, ["GET"])
        if refused:
            return refused
        offers = selectors.document_offers(document=document)
        return JsonResponse(
            {
                "ok": True,
                "proposer_version": VERSION,
                "events": [
                    e.as_dict() for e in selectors.document_events(document=document)
                ],
                "proposals": [_offer_json(o) for o in offers],
            }
        )

    def accept_json(self, request, object_id):
        document, refused = self._guard(request, object_id, ["POST"])
        if refused:
            return refused
        try:
            body = _read_json(request)
        except ValidationError as exc:
            return _refusal(exc)
        items = body.get("proposals") if isinstance(body, dict) else None
        if not isinstance(items, list) or not items:
            return _refusal(ValidationError(_("Send a list of proposals.")))
        if len(items) > MAX_PROPOSALS_AT_ONCE:
            return _refusal(
                ValidationError(
                    _("At most %(n)s proposals at once.")
                    % {"n": MAX_PROPOSALS_AT_ONCE}
                )
            )
        results, failed = [], False
        for item in items:
            key = item.get("key", "") if isinstance(item, dict) else ""
            try:
                draft = _draft(document, item)
                if draft["claim"] is not None:
                    raise ValidationError(
                        _("A proposal becomes a new claim: leave 'claim' out.")
                    )
                draft["proposer_version"] = draft["proposer_version"] or VERSION
                claim = services.claim_cite_document(actor=request.user, **draft)
            except (ValidationError, PermissionDenied) as exc:
                failed = True
                messages = (
                    exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                )
                results.append({"key": key, "ok": False, "errors": messages})
            else:
                results.append({"key": key, "ok": True, "claim": _claim_json(claim)})
        return JsonResponse(
            {"ok": not failed, "results": results}, status=400 if failed else 200
        )

    def reject_json(self, request, object_id):
        document, refused = self._guard(request, object_id, ["POST"])
        if refused:
            return refused
        try:
            body = _read_json(request)
            form = DraftForm(
                {**_form_data(body), "originator": "-", "claim": "-"}
            )
            if not form.is_valid():
                raise ValidationError(_errors(form))
            services.proposal_reject(
                actor=request.user,
                document=document,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                quote=form.cleaned_data["quote"],
                proposer_version=form.cleaned_data["proposer_version"] or VERSION,
            )
        except ValidationError as exc:
            return _refusal(exc)
        except PermissionDenied as exc:
            return _refusal(exc, status=403)
        return JsonResponse({"ok": True})

    def cite_json(self, request, object_id):
        document, refused = self._guard(request, object_id, ["GET", "POST"])
        if refused:
            return refused
        if request.method == "GET":
            return self._cite_offer(request, document)
        try:
            draft = _draft(document, _read_json(request))
            draft["proposer_version"] = ""
            claim = services.claim_cite_document(actor=request.user, **draft)
        except ValidationError as exc:
            return _refusal(exc)
        except PermissionDenied as exc:
            return _refusal(exc, status=403)
        return JsonResponse({"ok": True, "claim": _claim_json(claim)})

    def _cite_offer(self, request, document):
        span = forms.Form()
        span.fields = {
            "start": forms.IntegerField(min_value=0, max_value=len(document.text)),
            "end": forms.IntegerField(min_value=1, max_value=len(document.text)),
        }
        span.data, span.is_bound = request.GET, True
        if not span.is_valid():
            return _refusal(ValidationError(_errors(span)))
        start, end = span.cleaned_data["start"], span.cleaned_data["end"]
        # Whitespace at either end of a selection is not part of a quote.
        text = document.text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start >= end:
            return _refusal(ValidationError(_("Select some text to cite.")))
        offer = selectors.selection_offer(document=document, start=start, end=end)
        claims = selectors.claims_to_cite_into(document=document, user=request.user)
        return JsonResponse(
            {
                "ok": True,
                "offer": _offer_json(offer),
                "claims": [_claim_json(c) for c in claims],
            }
        )
