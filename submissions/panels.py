"""Panels other apps add to the producer's project page.

The submissions app does not know the apps built on it; one that has something to show
a producer on their project's page (the jury's result, a place to confirm) registers a
function here in its AppConfig.ready(). The function takes the request and the project
and returns None or a Panel: a template and its context, rendered in the page's main
column under "What happens next".
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Panel:
    template: str
    context: dict = field(default_factory=dict)


_PANELS: list[Callable] = []


def register(panel: Callable) -> Callable:
    if panel not in _PANELS:
        _PANELS.append(panel)
    return panel


def for_project(request, project) -> list[Panel]:
    return [panel for function in _PANELS if (panel := function(request, project)) is not None]
