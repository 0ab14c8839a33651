"""The reviewers' conflict desk in the admin.

A changelist with open conflicts first and their figures side by side; a
change page with the SVG picture, the figures with their sources, the
derived ranges, the audit trail, and forms to settle or explain that post to
views calling ``conflict_settle`` / ``conflict_explain``. Nothing here
changes a conflict by any other path: its fields are read-only.

``claim_conflict_summary(claim)`` is the fragment the claim's admin page
(and a public page) can show: its conflicts and the suggested confidence
with its reasons.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.admin.pagination import EstimatedCountPaginator
from registry.figures.rules import interval_text
from registry.models import (
    Citation,
    Claim,
    Conflict,
    ConflictDecision,
    Figure,
    conflict_open_first,
)
from registry.presentation.svg import conflict_svg, figure_label, figure_sources
from registry.selectors.review import claim_parts_checks, serial_reads
from registry.services import conflicts as conflict_services
from registry.services.confidence import claim_suggested_confidence

__all__ = ["ConflictAdmin", "claim_conflict_summary", "conflict_svg"]


def _figures_prefetch():
    return Prefetch(
        "figures",
        queryset=Figure.objects.select_related("claim")
        .prefetch_related(
            Prefetch(
                "claim__citations",
                queryset=Citation.objects.select_related("originator"),
            )
        )
        .order_by("as_of", "low", "date_earliest", "pk"),
    )


class ConflictDecisionInline(admin.TabularInline):
    model = ConflictDecision
    fields = ["created_at", "action", "actor", "from_status", "to_status", "rationale"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["created_at", "pk"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Conflict)
class ConflictAdmin(admin.ModelAdmin):
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50  # each row draws its figures side by side

    def changelist_view(self, request, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            return super().changelist_view(request, extra_context)
        with serial_reads(Conflict.objects.db):
            response = super().changelist_view(request, extra_context)
            if hasattr(response, "render"):
                response.render()
        return response
    list_display = ["quantity", "status", "figures_side_by_side", "updated_at"]
    list_filter = ["status", "kind", "metric"]
    search_fields = ["metric", "subject", "event__title", "public_id"]
    readonly_fields = [
        "public_id",
        "quantity",
        "status",
        "picture",
        "figures_table",
        "ranges",
        "preferred_figure",
        "rationale",
        "settled_by",
        "settled_at",
    ]
    fields = readonly_fields
    inlines = [ConflictDecisionInline]
    change_form_template = "admin/registry/conflict/change_form.html"
    # Open conflicts first, then the most recently changed: the order of the
    # index conflict_list, so a page is read from it.
    ordering = [conflict_open_first().asc(), "-updated_at"]
    sortable_by = []

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("event", "settled_by", "preferred_figure")
            .prefetch_related(_figures_prefetch())
        )

    def has_add_permission(self, request):
        return False  # detection creates conflicts; reviewers decide them

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("Quantity"))
    def quantity(self, obj: Conflict) -> str:
        period = ""
        if obj.period_start or obj.period_end:
            period = f" ({obj.period_start or '…'} to {obj.period_end or '…'})"
        event = f" \u2014 {obj.event}" if obj.event_id else ""
        return f"{obj.metric} {obj.subject}{period}{event}"

    @admin.display(description=gettext_lazy("Figures side by side"))
    def figures_side_by_side(self, obj: Conflict) -> SafeString:
        return format_html(
            '<ul style="margin:0;padding-left:1em">{}</ul>',
            format_html_join(
                "",
                "<li>{} <code>{}</code> <small>({}, {})</small></li>",
                (
                    (
                        figure_label(f),
                        interval_text(f.kind, f.interval),
                        f.claim.public_id,
                        f.claim.get_state_display(),
                    )
                    for f in obj.figures.all()
                ),
            ),
        )

    @admin.display(description=gettext_lazy("Picture"))
    def picture(self, obj: Conflict) -> SafeString:
        return conflict_svg(obj, list(obj.figures.all()))

    @admin.display(description=gettext_lazy("Figures and their sources"))
    def figures_table(self, obj: Conflict) -> SafeString:
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td>"
            "<td><a href='{}'>{}</a> ({})</td></tr>",
            (
                (
                    figure_sources(f),
                    f.stated or "",
                    interval_text(f.kind, f.interval),
                    f.as_of or "",
                    reverse("admin:registry_claim_change", args=[f.claim_id])
                    if _claim_admin_registered()
                    else "#",
                    f.claim.public_id,
                    f.claim.get_state_display(),
                )
                for f in obj.figures.all()
            ),
        )
        return format_html(
            "<table><thead><tr><th>Originators</th><th>Stated</th><th>Interval</th>"
            "<th>As of</th><th>Claim</th></tr></thead><tbody>{}</tbody></table>",
            rows,
        )

    @admin.display(description=gettext_lazy("Derived ranges"))
    def ranges(self, obj: Conflict) -> SafeString:
        items = []
        for rule in conflict_services.RANGE_RULES:
            result = conflict_services.quantity_range(
                quantity_key=obj.quantity_key, rule=rule
            )
            high = (
                "open"
                if result.high is None and result.low is not None
                else result.high
            )
            items.append(
                (rule, result.low, result.best, high, result.description, result.note)
            )
        return format_html_join(
            "",
            "<p><strong>{}</strong>: low {}, best {}, high {}<br><small>{} {}</small></p>",
            items,
        )

    # -- settle and explain: forms on the change page post here

    def get_urls(self):
        own = [
            path(
                "<int:object_id>/settle/",
                self.admin_site.admin_view(self.settle_view),
                name="registry_conflict_settle",
            ),
            path(
                "<int:object_id>/explain/",
                self.admin_site.admin_view(self.explain_view),
                name="registry_conflict_explain",
            ),
        ]
        return own + super().get_urls()

    def _decide(self, request, object_id, action):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        conflict = get_object_or_404(Conflict, pk=object_id)
        try:
            action(conflict)
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("Only a reviewer may do that."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Decision recorded."))
        return HttpResponseRedirect(
            reverse("admin:registry_conflict_change", args=[conflict.pk])
        )

    def settle_view(self, request, object_id):
        def settle(conflict):
            try:
                chosen = int(request.POST.get("preferred_figure") or 0)
            except ValueError:
                chosen = 0  # not a figure's id: refused below with the message
            figure = conflict.figures.filter(pk=chosen).first()
            if figure is None:
                raise ValidationError(
                    _("Choose the preferred figure among the conflict's.")
                )
            conflict_services.conflict_settle(
                conflict=conflict,
                actor=request.user,
                preferred_figure=figure,
                rationale=request.POST.get("rationale", ""),
            )

        return self._decide(request, object_id, settle)

    def explain_view(self, request, object_id):
        def explain(conflict):
            conflict_services.conflict_explain(
                conflict=conflict,
                actor=request.user,
                explanation=request.POST.get("explanation", ""),
            )

        return self._decide(request, object_id, explain)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        conflict = self.get_object(request, object_id)
        if conflict is not None:
            extra_context["member_figures"] = [
                (f.pk, figure_label(f)) for f in conflict.figures.all()
            ]
            extra_context["can_decide"] = request.user.has_perm(
                conflict_services.SETTLE_PERMISSION
            )
        # Every field is read-only: decisions go through the settle and
        # explain forms, so the page offers no Save button that saves nothing.
        extra_context.update(
            show_save=False,
            show_save_and_continue=False,
            show_save_and_add_another=False,
            show_delete=False,
        )
        return super().change_view(request, object_id, form_url, extra_context)


def _claim_admin_registered() -> bool:
    return admin.site.is_registered(Claim)


def claim_conflict_summary(claim: Claim, *, with_suggestion: bool = True) -> SafeString:
    """The claim's conflicts (with pictures) and its suggested confidence,
    for the claim admin page (every state's figures: the reviewers' view).
    What the public sees is the public projection's, never this."""
    found = list(
        Conflict.objects.filter(figures__claim=claim)
        .distinct()
        .select_related("event")
        .prefetch_related(_figures_prefetch())
        .order_by("pk")
    )
    items = [
        {
            "conflict": c,
            "svg": conflict_svg(c, list(c.figures.all())),
            "url": reverse("admin:registry_conflict_change", args=[c.pk]),
        }
        for c in found
    ]
    suggestion = claim_suggested_confidence(claim) if with_suggestion else None
    changed = claim.suggestion_changes.filter(reviewed_at__isnull=True).first()
    return render_to_string(
        "registry/conflict_claim_summary.html",
        {
            "claim": claim,
            "suggestion": suggestion,
            "conflicts": items,
            "parts_checks": claim_parts_checks(claim),
            "changed": changed,
            "changed_url": reverse(
                "admin:registry_suggestionchange_change", args=[changed.pk]
            )
            if changed
            else "",
        },
    )
