"""Signals for the apps built on submissions, which it does not know.

status_changed: sent by services.set_project_status inside its transaction, after the
new status is saved, with `project`, `old`, `new` and `by`. The juries app listens to
free the place of a project withdrawn from the selection."""

from django.dispatch import Signal

status_changed = Signal()
