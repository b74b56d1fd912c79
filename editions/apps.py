from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditionsConfig(AppConfig):
    name = "editions"
    verbose_name = _("Programmes and editions")

    def ready(self):
        from . import mail_templates

        # The accounts' own mails, worded in files: named here for the outbox.
        mail_templates.register_label("accounts.confirm_email", _("Address confirmation"))
        mail_templates.register_label("accounts.password_reset", _("Password reset"))
