from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "wip_portal"
    verbose_name = "WIP Portal"

    def ready(self):
        from . import checks  # noqa: F401  (registers the deploy checks)
