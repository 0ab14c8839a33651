import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from registry.roles import EDITOR, REVIEWER, roles_setup

DEMO_ACCOUNTS = {"editor": EDITOR, "reviewer": REVIEWER}


class Command(BaseCommand):
    help = (
        "Create an 'editor' and a 'reviewer' account for a local demo, once, and "
        "print their random passwords. Refused unless DEBUG is on."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "demo_accounts only runs with DEBUG on: demo accounts must never "
                "exist in production."
            )
        groups = roles_setup()
        user_model = get_user_model()
        with transaction.atomic():
            for username, role in DEMO_ACCOUNTS.items():
                if user_model.objects.filter(username=username).exists():
                    self.stdout.write(
                        f"Demo account {username!r} exists already; its password "
                        f"was printed when it was made (reset it with "
                        f"`manage.py changepassword {username}`)."
                    )
                    continue
                password = secrets.token_urlsafe(12)
                user = user_model.objects.create_user(
                    username=username, password=password, is_staff=True
                )
                user.groups.add(groups[role])
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Demo {role.lower()}: username {username!r}, "
                        f"password {password!r}"
                    )
                )
