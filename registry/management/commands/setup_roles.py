from django.core.management.base import BaseCommand, CommandError

from registry.roles import ROLES, roles_setup


class Command(BaseCommand):
    help = (
        "Create or update the Editor and Reviewer groups with exactly their "
        "permissions. Safe to run again."
    )

    def handle(self, *args, **options):
        try:
            groups = roles_setup()
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        for name, group in groups.items():
            self.stdout.write(
                f"{name}: {group.permissions.count()} permissions "
                f"({len(ROLES[name])} expected)"
            )
