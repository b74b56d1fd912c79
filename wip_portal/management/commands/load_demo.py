"""`manage.py load_demo`: the demo programmes, editions, calls and accounts (see
wip_portal/demo.py). Running it again creates only what is missing.

Its output is for developers and, like Django's own commands, not translated."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from wip_portal.demo import load_demo


class Command(BaseCommand):
    help = (
        "Create the demo programmes (Films in Progress, Ibermedia, GIFF + IMCINE Bilateral "
        "Forum), their editions, sessions and calls, and one account per role. Creates only "
        "what is missing; never changes what exists."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even with HTTPS=1. The demo accounts share a published password.",
        )

    def handle(self, *args, allow_production=False, **options):
        if settings.HTTPS and not allow_production:
            raise CommandError(
                "HTTPS=1 looks like a production site, and the demo accounts (one of them a "
                "superuser) share a published password. Pass --allow-production to load "
                "them anyway."
            )
        try:
            report = load_demo()
        except ValidationError as error:
            raise CommandError(
                "The demo data clashes with existing data: " + "; ".join(error.messages)
            ) from error

        if report.created:
            self.stdout.write(f"Created {len(report.created)} demo objects:")
            for line in report.created:
                self.stdout.write(f"  + {line}")
        else:
            self.stdout.write("The demo data is already there; nothing was changed.")

        rows = [("Role", "Email", "Password")]
        rows += [(account.role, account.email, report.password) for account in report.accounts]
        widths = [max(len(row[column]) for row in rows) for column in range(3)]
        self.stdout.write("")
        self.stdout.write(
            "Demo accounts (a password you changed since stays changed), "
            f"sign in at {settings.SITE_URL}/:"
        )
        for index, row in enumerate(rows):
            line = "  ".join(
                cell.ljust(width) for cell, width in zip(row, widths, strict=True)
            ).rstrip()
            self.stdout.write(self.style.MIGRATE_HEADING(line) if index == 0 else line)
