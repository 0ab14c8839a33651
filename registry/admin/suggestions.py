"""Published claims whose suggested confidence moved after a reviewer decided
(``registry.services.suggestions``): the reviewers' list, and marking one
read. The stored confidence is never changed here; a different level is a
correction, through the workflow."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from registry.models import SuggestionChange
from registry.services.suggestions import REVIEW_PERMISSION, suggestion_change_review


class OpenFilter(admin.SimpleListFilter):
    title = _("review")
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("yes", _("to review")), ("no", _("reviewed"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(reviewed_at__isnull=True)
        if self.value() == "no":
            return queryset.filter(reviewed_at__isnull=False)
        return queryset


@admin.register(SuggestionChange)
class SuggestionChangeAdmin(admin.ModelAdmin):
    list_display = [
        "claim_link",
        "levels",
        "stored_confidence",
        "cause",
        "created_at",
        "reviewed_at",
        "reviewed_by",
    ]
    list_filter = [OpenFilter]
    list_select_related = ["claim", "reviewed_by"]
    search_fields = ["claim__public_id", "claim__statement", "cause"]
    readonly_fields = [
        "claim_link",
        "levels",
        "stored_confidence",
        "reasons_list",
        "cause",
        "created_at",
        "reviewed_by",
        "reviewed_at",
        "note",
    ]
    fields = readonly_fields
    actions = ["mark_reviewed"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_review_permission(self, request):
        return request.user.has_perm(REVIEW_PERMISSION)

    @admin.display(description=_("claim"))
    def claim_link(self, obj):
        url = reverse("admin:registry_claim_change", args=[obj.claim_id])
        return format_html('<a href="{}">{}</a>', url, obj.claim.statement[:100])

    @admin.display(description=_("suggested confidence"))
    def levels(self, obj):
        return f"{obj.from_level} \u2192 {obj.to_level}"

    @admin.display(description=_("stored confidence (unchanged)"))
    def stored_confidence(self, obj):
        return obj.claim.get_confidence_display()

    @admin.display(description=_("why the registry now suggests it"))
    def reasons_list(self, obj):
        return format_html_join("\n", "<li>{}</li>", ((r,) for r in obj.reasons))

    @admin.action(
        description=_(
            "Mark as reviewed (keep the stored confidence; correct the "
            "claim to change it)"
        ),
        permissions=["review"],
    )
    def mark_reviewed(self, request, queryset):
        done = 0
        for change in queryset.filter(reviewed_at__isnull=True):
            suggestion_change_review(change=change, actor=request.user)
            done += 1
        self.message_user(
            request,
            ngettext(
                "%(count)s suggestion change marked reviewed.",
                "%(count)s suggestion changes marked reviewed.",
                done,
            )
            % {"count": intcomma(done)},
            messages.SUCCESS,
        )
