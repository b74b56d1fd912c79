from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JuriesConfig(AppConfig):
    name = "juries"
    verbose_name = _("Juries and selection")

    def ready(self):
        from submissions import panels, signals

        from . import mails, results
        from .views.participation import participation_panel

        mails.register_kinds()
        panels.register(participation_panel)
        signals.status_changed.connect(results.on_status_changed, dispatch_uid="juries.results")
