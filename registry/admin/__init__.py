"""The reviewers' workplace.

The admin only shows and asks: every change to a claim, its citations and
its figures goes through ``registry.services``, which holds the rules.
"""

from __future__ import annotations

import itertools

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.contrib.admin.utils import unquote
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from simple_history.admin import SimpleHistoryAdmin

from registry import services
from registry.admin.desk import (
    CitationForm,
    FigureForm,
    figure_reading_view,
    quote_search_view,
)
from registry.admin.pagination import EstimatedCountPaginator
from registry.admin.proposals import DocumentProposalsMixin, may_draft
from registry.choices import LOCKED_STATES, ClaimState, Confidence
from registry.figures.rules import interval_text
from registry.models import (
    Citation,
    Claim,
    ClaimTransition,
    Document,
    Event,
    Figure,
    ReviewQueue,
    Source,
    SourceAlias,
    SuggestionChange,
)
from registry.selectors import review, search
from registry.services import records
from registry.services.confidence import claim_suggested_confidence
from registry.services.intake import detect_language

# Badge backgrounds under white text: each at least 4.5:1 (WCAG AA),
# which tests/test_admin_desk.py checks.
STATE_COLOURS = {
    ClaimState.DRAFT: "#6c757d",
    ClaimState.IN_REVIEW: "#8a5300",  # 6.3:1 on white; #b36b00 failed AA
    ClaimState.CHANGES_REQUESTED: "#8a4baf",
    ClaimState.APPROVED: "#1e7b34",
    ClaimState.REJECTED: "#a71d2a",
    ClaimState.RETRACTED: "#a71d2a",
    ClaimState.SUPERSEDED: "#495057",
}


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


class _LargeListMixin:
    """Lists of a million rows: counted up to 200, estimated past that
    (``registry/admin/pagination.py``), never counted twice, read without
    parallel workers (``review.serial_reads``)."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50  # Django's 100 rows took as long to render as to read

    def changelist_view(self, request, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            # Bulk actions run their services' own transactions.
            return super().changelist_view(request, extra_context)
        with review.serial_reads(self.model.objects.db):
            response = super().changelist_view(request, extra_context)
            # The page's rows are read while the template renders.
            if hasattr(response, "render"):
                response.render()
        return response


class _HistoryAdmin(_LargeListMixin, SimpleHistoryAdmin):
    """History is for reading: a change goes through the edit form and its rules."""

    # Addresses typed without a scheme are https (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None:
            return fieldsets
        # The add form would show a freshly drawn public id that is not the
        # one saved (the default is drawn again on save): show none.
        return [
            (name, {**options, "fields": _without(options["fields"], "public_id")})
            for name, options in fieldsets
        ]

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied(_("History is read-only; edit the record instead."))
        return super().history_form_view(
            request, object_id, version_id, extra_context=extra_context
        )


def _without(fields, name: str) -> list:
    kept = []
    for field in fields:
        if isinstance(field, (list, tuple)):
            field = tuple(f for f in field if f != name)
            if field:
                kept.append(field)
        elif field != name:
            kept.append(field)
    return kept


# ---------------------------------------------------------------- list filters


class _TextFilter(admin.SimpleListFilter):
    """A filter typed into a box: a public id or part of a name."""

    template = "admin/registry/text_filter.html"
    placeholder = gettext_lazy("id or name")

    def lookups(self, request, model_admin):
        return ()

    def has_output(self):
        return True

    def choices(self, changelist):
        hidden = [
            (name, value)
            for name, value in changelist.params.items()
            if name != self.parameter_name
        ]
        yield {
            "parameter": self.parameter_name,
            "value": self.value() or "",
            "hidden": hidden,
            "placeholder": self.placeholder,
            "clear_query_string": changelist.get_query_string(
                remove=[self.parameter_name]
            ),
        }

    def queryset(self, request, queryset):
        value = (self.value() or "").strip()
        if not value:
            return queryset
        return queryset.filter(self.condition(value))


class SourceFilter(_TextFilter):
    title = gettext_lazy("source (originator or relay)")
    parameter_name = "source"
    placeholder = gettext_lazy("id, name or alias")

    def condition(self, value):
        return review.claims_of_source(value)


class EventFilter(_TextFilter):
    title = gettext_lazy("event")
    parameter_name = "event"

    def condition(self, value):
        return review.claims_of_event(value)


class DocumentFilter(_TextFilter):
    title = gettext_lazy("document")
    parameter_name = "document"

    def condition(self, value):
        return review.claims_of_document(value)


class ConflictFilter(admin.SimpleListFilter):
    title = gettext_lazy("conflicting figures")
    parameter_name = "conflict"

    def lookups(self, request, model_admin):
        return (("open", _("In an open conflict")), ("none", _("No open conflict")))

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(review.flagged_open_conflict())
        if self.value() == "none":
            return queryset.filter(review.flagged_open_conflict(False))
        return queryset


class SuggestionChangedFilter(admin.SimpleListFilter):
    """Published claims whose suggested confidence moved since a reviewer
    decided, and nobody has reviewed that yet."""

    title = gettext_lazy("suggested confidence")
    parameter_name = "suggestion"

    def lookups(self, request, model_admin):
        return (("changed", _("Changed since decided, to review")),)

    def queryset(self, request, queryset):
        if self.value() == "changed":
            return queryset.filter(
                Exists(
                    SuggestionChange.objects.filter(
                        claim=OuterRef("pk"), reviewed_at__isnull=True
                    )
                )
            )
        return queryset


# ------------------------------------------------------------------- inlines


class _ClaimPartInline(admin.StackedInline):
    extra = 1

    def _locked(self, obj) -> bool:
        return obj is not None and obj.state in LOCKED_STATES

    def has_add_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_delete_permission(request, obj)


class CitationInline(_ClaimPartInline):
    model = Citation
    form = CitationForm
    autocomplete_fields = ["document", "originator"]
    readonly_fields = ["relay_chain_display"]
    fields = [
        ("document", "originator", "stance"),
        "attributed_to",
        "quote",
        ("start", "end"),
        "relays_text",
        "derived_from_refs",
    ]

    def get_fields(self, request, obj=None):
        if self._locked(obj):
            # Read-only: the chain as stored, not the form's typing box.
            return [
                "relay_chain_display" if f == "relays_text" else f
                for f in self.fields
            ]
        return self.fields

    @admin.display(description=gettext_lazy("relayed through"))
    def relay_chain_display(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        return " \u2192 ".join(str(s) for s in obj.relay_chain) or "-"


class FigureInline(_ClaimPartInline):
    model = Figure
    form = FigureForm
    fields = [
        ("stated", "with_parts"),
        ("kind", "metric", "subject"),
        ("qualifier", "value", "value_high", "unit"),
        ("period_start", "period_end", "as_of"),
        ("date_value", "date_precision"),
        "interval_display",
    ]
    readonly_fields = ["interval_display"]

    @admin.display(description=gettext_lazy("interval"))
    def interval_display(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        return interval_text(obj.kind, obj.interval)


# ------------------------------------------------------------------ claims


class ClaimActionForm(ActionForm):
    confidence = forms.TypedChoiceField(
        choices=[("", gettext_lazy("confidence (to approve)")), *Confidence.choices],
        required=False,
    )
    comment = forms.CharField(
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": gettext_lazy("comment (reject, send back)")}
        ),
    )


class _ClaimListMixin(_LargeListMixin):
    list_per_page = 50
    search_help_text = gettext_lazy(
        "Words of the statement or a quote, a claim's id, or part of a "
        "source's name or alias."
    )

    def get_search_results(self, request, queryset, search_term):
        # Through the full-text index and the citation indexes, no joins:
        # no DISTINCT (registry/selectors/search.py).
        return search.review_search(queryset, search_term), False

    @admin.display(description=gettext_lazy("statement"))
    def statement_display(self, obj):
        text = (
            obj.statement if len(obj.statement) <= 120 else obj.statement[:117] + "..."
        )
        url = reverse("admin:registry_claim_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, text)

    @admin.display(description=gettext_lazy("state"))
    def state_display(self, obj):
        return format_html(
            '<span class="claim-state" style="color:#fff;background:{};'
            'padding:1px 6px;border-radius:8px;white-space:nowrap">{}</span>',
            STATE_COLOURS.get(obj.state, "#333"),
            obj.get_state_display(),
        )

    @admin.display(description=gettext_lazy("confidence"))
    def confidence_display(self, obj):
        return obj.get_confidence_display() if obj.confidence else "-"

    @admin.display(description=gettext_lazy("originators"))
    def originators(self, obj):
        names = sorted(
            {
                (c.originator.short_name or c.originator.name)
                if c.originator_id
                else c.originator_label
                for c in obj.citations.all()
            }
        )
        return ", ".join(names) or "-"

    @admin.display(description=gettext_lazy("conflict"))
    def conflict_flag(self, obj):
        # Words, not the admin's boolean icons: a red cross read as an error
        # when it meant "no conflict".
        if obj.in_open_conflict:
            return format_html(
                '<strong class="conflict-open">\u26a0 {}</strong>', _("open conflict")
            )
        return format_html('<span class="conflict-none">{}</span>', _("none"))


@admin.register(Claim)
class ClaimAdmin(_ClaimListMixin, _HistoryAdmin):
    change_form_template = "admin/registry/claim/change_form.html"
    object_history_template = "admin/registry/claim/object_history.html"
    history_list_display = ["state", "statement"]
    list_display = [
        "statement_display",
        "state_display",
        "confidence_display",
        "originators",
        "event",
        "conflict_flag",
        "updated_at",
    ]
    list_display_links = None
    # Only orders an index reads in order (migration 0010): the default
    # newest first, and the last change.
    sortable_by = ["updated_at"]
    list_filter = [
        "state",
        "confidence",
        ConflictFilter,
        SuggestionChangedFilter,
        SourceFilter,
        EventFilter,
        DocumentFilter,
    ]
    # What the box searches is review_search's; these name it for Django's
    # checks and the autocomplete boxes.
    search_fields = ["statement"]
    autocomplete_fields = ["event", "corrects"]
    inlines = [CitationInline, FigureInline]
    action_form = ClaimActionForm
    actions = ["approve_selected", "reject_selected", "request_changes_selected"]
    readonly_fields = [
        "public_id",
        "state",
        "public_note",
        "published_at",
        "created_by",
        "updated_by",
        "submitted_by",
        "created_at",
        "updated_at",
        "conflicts_display",
    ]
    # One confidence control: the review panel's, beside the suggestion and
    # its reasons. (A confidence saved with the form made the reviewer the
    # claim's last editor, and four eyes then kept them from approving.)
    fieldsets = [
        (None, {"fields": ["statement", "kind", "event", "corrects"]}),
        (gettext_lazy("Conflicting figures"), {"fields": ["conflicts_display"]}),
        (
            gettext_lazy("Workflow"),
            {
                "fields": [
                    ("public_id", "state"),
                    "public_note",
                    "published_at",
                    ("created_by", "updated_by", "submitted_by"),
                    ("created_at", "updated_at"),
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return review.claims_for_review_list(super().get_queryset(request))

    @admin.display(description=gettext_lazy("Conflicts"))
    def conflicts_display(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        from registry.admin.conflicts import claim_conflict_summary

        return claim_conflict_summary(obj, with_suggestion=False)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.corrects_id and not self._locked(obj):
            # A correction's public reason, shown in the corrections feed.
            readonly.remove("public_note")
        return readonly

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            # A new claim has no conflicts and no workflow yet: nothing to show.
            return fieldsets[:1]
        if "public_note" in self.get_readonly_fields(request, obj):
            return fieldsets
        # A correction's public reason sits with the statement it explains.
        moved = []
        for index, (name, options) in enumerate(fieldsets):
            fields = _without(options["fields"], "public_note")
            if index == 0:
                fields = [*fields, "public_note"]
            moved.append((name, {**options, "fields": fields}))
        return moved

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "public_note" in form.base_fields:
            field = form.base_fields["public_note"]
            field.label = _("Public reason for the correction")
            field.help_text = _(
                "Shown in the public corrections feed once the correction is "
                "approved."
            )
            field.required = True
        return form

    def get_search_results(self, request, queryset, search_term):
        queryset, duplicates = super().get_search_results(
            request, queryset, search_term
        )
        if request.GET.get("field_name") == "corrects":
            # The "corrects" box offers only what can be corrected.
            queryset = queryset.filter(state=ClaimState.APPROVED)
        return queryset, duplicates

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Deleting goes one claim at a time through the service, which refuses
        # published claims; the bulk delete would bypass it.
        actions.pop("delete_selected", None)
        if not request.user.has_perm("registry.review_claim"):
            for name in (
                "approve_selected",
                "reject_selected",
                "request_changes_selected",
            ):
                actions.pop(name, None)
        return actions

    def _locked(self, obj) -> bool:
        return obj is not None and obj.state in LOCKED_STATES

    def has_change_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_delete_permission(request, obj)

    # -- saving through the services

    def save_model(self, request, obj, form, change):
        fields = [f for f in form.changed_data if f in services.CLAIM_EDITABLE_FIELDS]
        data = {name: form.cleaned_data[name] for name in fields}
        if not change:
            services.claim_create(actor=request.user, claim=obj, **data)
        elif data:
            services.claim_update(claim=obj, actor=request.user, **data)

    def save_formset(self, request, form, formset, change):
        save, delete = {
            Citation: (services.citation_save, services.citation_delete),
            Figure: (services.figure_save, services.figure_delete),
        }[formset.model]
        name = formset.model._meta.model_name
        forms_by_part = {id(f.instance): f for f in formset.forms}
        for part in formset.save(commit=False):
            extra = {}
            if formset.model is Citation:
                # The relay chain typed beside the citation (None: unchanged).
                extra["relays"] = getattr(forms_by_part.get(id(part)), "relays", None)
            breakdown = getattr(forms_by_part.get(id(part)), "parts_to_record", None)
            if formset.model is Figure and breakdown:
                # A wording that lists parts: the total and its parts at once.
                services.figure_total_with_parts(
                    total=part, parts=breakdown, actor=request.user
                )
                continue
            save(**{name: part, "actor": request.user, **extra})
        for part in formset.deleted_objects:
            delete(**{name: part, "actor": request.user})
        formset.save_m2m()
        if formset.model is Citation:
            for part_form in formset.forms:
                if (
                    "derived_from_refs" in part_form.changed_data
                    and part_form.instance.pk is not None
                    and part_form not in formset.deleted_forms
                ):
                    services.citation_derive(
                        citation=part_form.instance,
                        bases=part_form.cleaned_data["derived_from_refs"],
                        actor=request.user,
                    )

    def delete_model(self, request, obj):
        services.claim_delete(claim=obj, actor=request.user)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.WorkflowError as exc:
            # Someone published the claim while this form was open.
            self.message_user(request, _reason(exc), messages.ERROR)
            return HttpResponseRedirect(request.path)

    def response_add(self, request, obj, post_url_continue=None):
        if "_submit_for_review" not in request.POST:
            return super().response_add(request, obj, post_url_continue)
        return self.response_change(request, obj)

    def response_change(self, request, obj):
        if "_submit_for_review" not in request.POST:
            return super().response_change(request, obj)
        # "Submit for review" belongs to the edit form: the edits were saved
        # above (an invalid one re-shows the form and submits nothing), and
        # now the saved claim is submitted.
        try:
            services.claim_submit(
                claim=obj,
                actor=request.user,
                comment=request.POST.get("_submit_comment", ""),
            )
        except (services.WorkflowError, PermissionDenied) as exc:
            self.message_user(
                request,
                _("Your edits were saved, but the claim was not submitted: %(reason)s")
                % {"reason": _reason(exc)},
                messages.ERROR,
            )
        else:
            self.message_user(
                request,
                _("Your edits were saved. The claim is now %(state)s.")
                % {"state": obj.get_state_display().lower()},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(
            reverse("admin:registry_claim_change", args=[obj.pk])
        )

    # -- the review panel and its transitions

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            extra_context.update(
                available_actions=services.claim_available_actions(
                    claim=obj, actor=request.user
                ),
                hidden_actions=services.claim_hidden_action_reasons(
                    claim=obj, actor=request.user
                ),
                seen_version=services.claim_version(obj),
                transitions=review.claim_transitions(claim=obj),
                confidence_choices=Confidence.choices,
                suggestion=claim_suggested_confidence(obj),
                locked=obj.state in LOCKED_STATES,
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        try:
            claim_id = int(unquote(object_id))
        except ValueError:
            raise Http404(_("No such claim.")) from None
        if not 0 < claim_id < 2**63:
            # Past a bigint the databases raise instead of finding nothing.
            raise Http404(_("No such claim."))
        extra_context = {
            **(extra_context or {}),
            "parts_history": review.claim_parts_history(claim_id=claim_id),
        }
        return super().history_view(request, object_id, extra_context)

    def get_urls(self):
        return [
            path(
                "figure-reading/",
                self.admin_site.admin_view(self._for_writers(figure_reading_view)),
                name="registry_claim_figure_reading",
            ),
            path(
                "quote-search/",
                self.admin_site.admin_view(self._for_writers(quote_search_view)),
                name="registry_claim_quote_search",
            ),
            path(
                "<path:object_id>/correct/",
                self.admin_site.admin_view(self.correct_view),
                name="registry_claim_correct",
            ),
            path(
                "<path:object_id>/transition/<str:action>/",
                self.admin_site.admin_view(self.transition_view),
                name="registry_claim_transition",
            ),
            *super().get_urls(),
        ]

    def _for_writers(self, view):
        """The desk's JSON helpers answer those who may record claims."""

        def guarded(request):
            if not (
                self.has_add_permission(request) or self.has_change_permission(request)
            ):
                raise PermissionDenied(_("You may not record claims."))
            return view(request)

        return guarded

    def correct_view(self, request, object_id):
        """Record a correction: ask the public reason, then open a draft that
        copies the original's citations and figures for editing."""
        original = self.get_object(request, unquote(object_id))
        if original is None:
            raise Http404(_("No such claim."))
        if not self.has_add_permission(request):
            raise PermissionDenied(_("You may not record claims."))
        existing = Claim.objects.filter(corrects=original).first()
        if existing is not None:
            self.message_user(
                request,
                _("This claim has a correction already: here it is."),
                messages.INFO,
            )
            return HttpResponseRedirect(
                reverse("admin:registry_claim_change", args=[existing.pk])
            )
        error = ""
        if request.method == "POST":
            try:
                correction = services.claim_correction_start(
                    original=original,
                    actor=request.user,
                    public_note=request.POST.get("public_note", ""),
                )
            except (services.WorkflowError, PermissionDenied) as exc:
                error = _reason(exc)
            else:
                self.message_user(
                    request,
                    _(
                        "A draft correction was recorded with the original's "
                        "citations and figures: change what was wrong, then "
                        "submit it."
                    ),
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:registry_claim_change", args=[correction.pk])
                )
        return TemplateResponse(
            request,
            "admin/registry/claim/correct.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Record a correction"),
                "original": original,
                "opts": self.model._meta,
                "error": error,
                "public_note": request.POST.get("public_note", ""),
            },
        )

    @staticmethod
    def _transition_arguments(action: str, post) -> dict:
        arguments = {"comment": post.get("comment", "")}
        if action == "approve":
            arguments["confidence"] = post.get("confidence") or None
            arguments["rationale"] = post.get("rationale", "")
            # The form always carries the version shown; a request without
            # one cannot say what the reviewer read, so it is refused too.
            arguments["seen_version"] = post.get("seen_version", "")
        if action == "retract":
            arguments["public_note"] = post.get("public_note", "")
        return arguments

    def transition_view(self, request, object_id, action):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if action not in services.TRANSITION_SERVICES:
            raise Http404(_("No transition called %(action)r.") % {"action": action})
        claim = self.get_object(request, unquote(object_id))
        if claim is None:
            raise Http404(_("No such claim."))
        if not self.has_view_permission(request, claim):
            raise PermissionDenied(_("You may not see this claim."))
        service = services.TRANSITION_SERVICES[action]
        try:
            # PermissionDenied (a forged request, four eyes) propagates: 403.
            service(
                claim=claim,
                actor=request.user,
                **self._transition_arguments(action, request.POST),
            )
        except services.WorkflowError as exc:
            self.message_user(request, _reason(exc), messages.ERROR)
        else:
            self.message_user(
                request,
                _("The claim is now %(state)s.")
                % {"state": claim.get_state_display().lower()},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(
            reverse("admin:registry_claim_change", args=[claim.pk])
        )

    # -- bulk actions, claim by claim with the same rules

    def _bulk(self, request, queryset, action, **arguments):
        done, refused = services.claims_transition_each(
            claims=list(queryset.order_by("pk")),
            actor=request.user,
            action=action,
            **arguments,
        )
        label = services.ACTION_LABELS[action]
        if done:
            self.message_user(
                request,
                ngettext(
                    "%(count)s claim: %(action)s done.",
                    "%(count)s claims: %(action)s done.",
                    len(done),
                )
                % {"count": intcomma(len(done)), "action": label},
                messages.SUCCESS,
            )
        for claim, reason in refused[:20]:
            self.message_user(
                request,
                _("Refused to %(action)s “%(statement)s” (%(id)s): %(reason)s")
                % {
                    "action": label,
                    "statement": claim.statement[:60],
                    "id": claim.public_id,
                    "reason": reason,
                },
                messages.WARNING,
            )
        if len(refused) > 20:
            self.message_user(
                request,
                ngettext(
                    "... and %(count)s more refused.",
                    "... and %(count)s more refused.",
                    len(refused) - 20,
                )
                % {"count": intcomma(len(refused) - 20)},
                messages.WARNING,
            )

    @admin.action(description=gettext_lazy("Approve selected claims (choose a confidence)"))
    def approve_selected(self, request, queryset):
        self._bulk(
            request,
            queryset,
            "approve",
            confidence=request.POST.get("confidence") or None,
            comment=request.POST.get("comment", ""),
        )

    @admin.action(description=gettext_lazy("Reject selected claims (with a comment)"))
    def reject_selected(self, request, queryset):
        self._bulk(request, queryset, "reject", comment=request.POST.get("comment", ""))

    @admin.action(
        description=gettext_lazy("Request changes to selected claims (with a comment)")
    )
    def request_changes_selected(self, request, queryset):
        self._bulk(
            request,
            queryset,
            "request_changes",
            comment=request.POST.get("comment", ""),
        )


@admin.register(ReviewQueue)
class ReviewQueueAdmin(_ClaimListMixin, admin.ModelAdmin):
    """Claims waiting for the signed-in reviewer, oldest submission first."""

    list_display = [
        "statement_display",
        "state_display",
        "originators",
        "event",
        "conflict_flag",
        "submitted_by",
        "submitted_at_display",
    ]
    list_display_links = None
    search_fields = ["statement"]
    sortable_by = []
    actions = None

    def get_queryset(self, request):
        return review.review_queue(user=request.user)

    def get_ordering(self, request):
        return ["submitted_at", "pk"]

    @admin.display(description=gettext_lazy("submitted"))
    def submitted_at_display(self, obj):
        return obj.submitted_at

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ClaimTransition)
class ClaimTransitionAdmin(_LargeListMixin, admin.ModelAdmin):
    list_display = ["created_at", "claim", "from_state", "to_state", "actor", "comment"]
    # A date filter, not a date hierarchy: the hierarchy lists the years and
    # months present, a scan of the whole log on every page.
    list_filter = ["to_state", "created_at"]
    list_select_related = ["claim", "actor"]
    ordering = ["-created_at", "-pk"]
    sortable_by = ["created_at"]
    search_fields = ["claim__statement"]
    search_help_text = gettext_lazy(
        "Words of the claim's statement or quotes, or its id."
    )

    def get_search_results(self, request, queryset, search_term):
        claims = search.review_search(Claim.objects.all(), search_term)
        return queryset.filter(claim__in=claims.values("pk")), False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# ------------------------------------------------------ sources, documents


class _ProvenanceAdminMixin:
    """Under published claims, a record's provenance fields are read-only
    for those without the reviewer's permission (the service refuses them
    too), with a note that says why."""

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if (
            obj is not None
            and not request.user.has_perm(records.REVIEW_PERMISSION)
            and records.provenance_is_published(obj)
        ):
            readonly += [
                name.removesuffix("_id")
                for name in records.PROVENANCE_FIELDS[type(obj)]
                if name.removesuffix("_id") not in readonly
            ]
        return readonly

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if (
            obj is not None
            and not request.user.has_perm(records.REVIEW_PERMISSION)
            and records.provenance_is_published(obj)
        ):
            self.message_user(
                request,
                _(
                    "Published claims rest on this record: its provenance fields "
                    "can be changed by a reviewer only."
                ),
                messages.INFO,
            )
        return super().change_view(request, object_id, form_url, extra_context)


class SourceAliasInline(admin.TabularInline):
    model = SourceAlias
    fields = ["alias"]
    extra = 1


@admin.register(Source)
class SourceAdmin(_ProvenanceAdminMixin, _HistoryAdmin):
    list_display = ["name", "short_name", "kind", "reliability", "based_in"]
    list_filter = ["kind", "reliability", "platform"]
    sortable_by = ["name"]
    search_fields = ["aliases__alias"]
    search_help_text = gettext_lazy(
        "Part of a name, short name or alias, a handle, or a source's id."
    )
    autocomplete_fields = ["parent"]
    inlines = [SourceAliasInline]
    readonly_fields = ["public_id", "claims_by_state"]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "kind", "based_in", "parent"]}),
        (
            gettext_lazy("Social-media account"),
            {
                "fields": [("platform", "handle")],
                "description": gettext_lazy(
                    "Only for a source of kind social-media account."
                ),
            },
        ),
        (
            gettext_lazy("Reliability"),
            {"fields": ["reliability", "reliability_rationale"]},
        ),
        (None, {"fields": ["homepage", "public_id", "claims_by_state"]}),
    ]

    def get_search_results(self, request, queryset, search_term):
        # Name and short name are aliases too: one table, no join, no DISTINCT.
        term = search_term.strip()
        if not term:
            return queryset, False
        named = review.sources_matching(term).values("source_id")
        # A social-media account by its handle, with or without the "@".
        handle = term.removeprefix("@")
        return queryset.filter(
            Q(public_id=term) | Q(pk__in=named) | Q(handle__iexact=handle)
        ), False

    def save_model(self, request, obj, form, change):
        records.source_save(source=obj, actor=request.user)

    @admin.display(description=gettext_lazy("claims it originates"))
    def claims_by_state(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        counts = review.source_claim_counts(source=obj)
        if not counts:
            return _("none")
        url = reverse("admin:registry_claim_changelist")
        return format_html_join(
            mark_safe("<br>"),
            '<a href="{}?source={}&amp;state__exact={}">{}: {}</a>',
            (
                (
                    url,
                    obj.public_id,
                    state,
                    ClaimState(state).label,
                    _("more than %(count)s") % {"count": intcomma(review.COUNT_CAP)}
                    if n > review.COUNT_CAP
                    else intcomma(n),
                )
                for state, n in sorted(counts.items())
            ),
        )


class DocumentForm(forms.ModelForm):
    """A pasted text keeps its line breaks as "\n": a browser sends "\r\n",
    and quotes' offsets count characters of the text as shown. Without a
    language, it is detected (en, es, ...) as intake does."""

    url = forms.URLField(max_length=1000, required=False, assume_scheme="https")
    archive_url = forms.URLField(
        max_length=1000, required=False, assume_scheme="https"
    )

    class Meta:
        model = Document
        # The admin's fieldsets decide which fields show; these are all it may.
        fields = [
            "title",
            "kind",
            "publisher",
            "part_of",
            "url",
            "archive_url",
            "published_on",
            "published_precision",
            "language",
            "retrieved_at",
            "text",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "language" in self.fields:
            self.fields["language"].required = False
            self.fields["language"].help_text = _(
                "BCP 47 code, e.g. en, es. Left empty, it is detected from the text."
            )

    def clean_text(self):
        text = self.cleaned_data["text"]
        return text.replace("\r\n", "\n").replace("\r", "\n")

    def clean(self):
        data = super().clean()
        if not data.get("language") and data.get("text"):
            data["language"] = detect_language(data["text"])
            self.instance.language = data["language"]
        return data


@admin.register(Document)
class DocumentAdmin(DocumentProposalsMixin, _ProvenanceAdminMixin, _HistoryAdmin):
    # The page adds "Propose claims" and "cite this" (registry/admin/proposals.py).
    change_form_template = "admin/registry/document/change_form.html"
    form = DocumentForm
    list_display = ["title", "kind", "publisher", "published_on", "language"]
    list_filter = ["kind", "language"]
    list_select_related = ["publisher"]
    sortable_by = []
    search_fields = ["title"]
    search_help_text = gettext_lazy(
        "Part of the title, or a document's id or address."
    )

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            if request.GET.get("field_name") == "document":
                # A citation's document box, opened before typing: the
                # documents added last first (the article just added is the
                # one an editor cites), read backwards on the primary key.
                return queryset.order_by("-pk"), False
            return queryset, False
        # Each through its index (title: trigram on PostgreSQL), no join.
        condition = Q(public_id=term) | Q(title__icontains=term)
        if term.startswith(("http://", "https://")):
            condition |= Q(url=term)
        return queryset.filter(condition), False
    autocomplete_fields = ["publisher", "part_of"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "kind",
                    "publisher",
                    "part_of",
                    ("url", "archive_url"),
                    ("published_on", "published_precision", "language"),
                    "retrieved_at",
                ]
            },
        ),
        (
            gettext_lazy("Text"),
            {"fields": ["highlighted_text", "text", "content_hash", "public_id"]},
        ),
    ]

    def save_model(self, request, obj, form, change):
        records.document_save(document=obj, actor=request.user)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        document = self.get_object(request, unquote(object_id))
        if document is not None and may_draft(request.user):
            extra_context["editor_config"] = self.editor_context(request, document)
        return super().change_view(request, object_id, form_url, extra_context)

    def get_readonly_fields(self, request, obj=None):
        readonly = ["highlighted_text", "content_hash", "public_id"]
        if obj is not None and obj.citations.exists():
            # Quotes point into this text by offset; changing it would change
            # what cited (and maybe published) claims rest on.
            readonly.append("text")
        return readonly

    @admin.display(description=gettext_lazy("cited quotes"))
    def highlighted_text(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        return _highlight(obj)


def _highlight(document: Document) -> str:
    """The document's text with each cited span marked and linked to its claim."""
    text = document.text
    citations = list(document.citations.select_related("claim").order_by("start", "pk"))
    bounds = sorted(
        {0, len(text)} | {c.start for c in citations} | {c.end for c in citations}
    )
    parts = []
    for low, high in itertools.pairwise(bounds):
        covering = [c for c in citations if c.start <= low and high <= c.end]
        chunk = text[low:high]
        if not covering:
            parts.append(format_html("{}", chunk))
            continue
        first = covering[0].claim
        parts.append(
            format_html(
                '<mark title="{}"><a href="{}">{}</a></mark>',
                "; ".join(
                    f"{c.claim.public_id} [{c.claim.get_state_display()}]"
                    for c in covering
                ),
                reverse("admin:registry_claim_change", args=[first.pk]),
                chunk,
            )
        )
    # data-document-text: "cite this" (document_editor.js) reads offsets
    # into exactly this text.
    return format_html(
        '<div class="document-text" data-document-text '
        'style="white-space:pre-wrap;max-width:60em">{}</div>',
        mark_safe("".join(parts)),
    )


@admin.register(Event)
class EventAdmin(_ProvenanceAdminMixin, _HistoryAdmin):
    list_display = ["title", "date_earliest", "date_latest", "place"]
    sortable_by = []
    search_fields = ["title", "place"]
    search_help_text = gettext_lazy("Part of the title or place, or an event's id.")

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        # Each through its index (trigram on PostgreSQL), no join.
        return queryset.filter(
            Q(public_id=term) | Q(title__icontains=term) | Q(place__icontains=term)
        ), False
    readonly_fields = ["public_id"]

    def save_model(self, request, obj, form, change):
        records.event_save(event=obj, actor=request.user)


# The index page shows the review counts above the usual list of models.
admin.site.index_template = "admin/registry/index.html"
# Branded as the registry, not as "Django administration".
admin.site.site_header = gettext_lazy("Fact-check registry")
admin.site.site_title = gettext_lazy("Fact-check registry")
admin.site.index_title = gettext_lazy("Reviewers' desk")

# Conflict admin lives in its own module; importing it registers it.
from registry.admin import conflicts as admin_conflicts  # noqa: E402, F401
from registry.admin import suggestions as admin_suggestions  # noqa: E402, F401
