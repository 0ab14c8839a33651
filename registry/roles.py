"""The newsroom's roles as Django groups, with exactly the permissions each needs.

Editors record claims with their citations and figures and submit them;
reviewers do all that too and also approve, reject, send back and retract.
Nobody in either group may delete a source or a document (both are
referenced by published claims) or change the audit trail.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction

EDITOR = "Editor"
REVIEWER = "Reviewer"

_EDIT = ("view", "add", "change", "delete")
_KEEP = ("view", "add", "change")

EDITOR_PERMISSIONS = sorted(
    [f"{action}_claim" for action in _EDIT]
    + [f"{action}_citation" for action in _EDIT]
    + [f"{action}_citationrelay" for action in _EDIT]
    + [f"{action}_figure" for action in _EDIT]
    + [f"{action}_sourcealias" for action in _EDIT]
    + [f"{action}_source" for action in _KEEP]
    + [f"{action}_document" for action in _KEEP]
    + [f"{action}_event" for action in _KEEP]
    + ["view_claimtransition", "view_conflict"]
)
REVIEWER_PERMISSIONS = sorted(
    [
        *EDITOR_PERMISSIONS,
        "review_claim",
        "retract_claim",
        "view_reviewqueue",
        "change_conflict",
        "settle_conflict",
        "view_suggestionchange",
    ]
)
ROLES = {EDITOR: EDITOR_PERMISSIONS, REVIEWER: REVIEWER_PERMISSIONS}


def roles_setup() -> dict[str, Group]:
    """Create or update the groups so they hold exactly their permissions.

    Idempotent: running it again changes nothing; a permission added to or
    removed from a role here is added or removed in the database.
    """
    groups = {}
    with transaction.atomic():
        for name, codenames in ROLES.items():
            permissions = list(
                Permission.objects.filter(
                    content_type__app_label="registry", codename__in=codenames
                )
            )
            missing = set(codenames) - {p.codename for p in permissions}
            if missing:
                raise RuntimeError(
                    f"Permissions {sorted(missing)} do not exist: run "
                    f"`manage.py migrate` first."
                )
            group, _ = Group.objects.get_or_create(name=name)
            group.permissions.set(permissions)
            groups[name] = group
    return groups
