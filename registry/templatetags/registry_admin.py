from django import template

from registry.selectors import review

register = template.Library()


@register.simple_tag
def review_counts(user):
    """Counts for the admin index; nothing for someone who cannot see claims."""
    if not user.has_perm("registry.view_claim"):
        return None
    return review.review_counts(user=user)
