"""The staff's cockpit: an edition at a glance, and the programme's editions compared.
Festival staff of the programme only (others 403; another programme's edition or
programme 404)."""

from functools import partial

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from editions.mixins import ManagedProgrammeMixin

from .. import charts, dashboard
from .staff import JuryEditionMixin

# Chart sizes: in a full-width and a half-width card at the page's widest, and on a phone.
FULL = {"width": 1000}
HALF = {"width": 500}
PHONE = {"width": 340, "label_width": 110}


def money(value) -> str:
    return number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)


def drawn(draw, wide=FULL, **arguments):
    """A chart for wide screens and for phones (the timeline has no label column)."""
    narrow = PHONE if draw is not charts.timeline_chart else {"width": PHONE["width"]}
    return charts.responsive(partial(draw, **arguments), wide=wide, narrow=narrow)


class DashboardView(JuryEditionMixin, TemplateView):
    template_name = "juries/dashboard/edition.html"

    def get_context_data(self, **kwargs):
        figures = dashboard.edition_dashboard(self.edition)
        pair_labels = {"first": _("Applicants"), "second": _("Selected")}
        return super().get_context_data(
            figures=figures,
            timeline_chart=drawn(
                charts.timeline_chart,
                timeline=figures["timeline"],
                title=_("The edition's timeline"),
                today_label=_("Today"),
            ),
            status_chart=drawn(
                charts.bar_chart, HALF, bars=figures["status"], title=_("Applications by status")
            ),
            country_chart=drawn(
                charts.bar_chart, bars=figures["countries"], title=_("Applications by country")
            ),
            genre_chart=drawn(
                charts.bar_chart, HALF, bars=figures["genres"], title=_("Applications by genre")
            ),
            gender_chart=drawn(
                charts.paired_chart,
                HALF,
                pairs=figures["gender"],
                title=_("Directors by gender, applicants and selected"),
                **pair_labels,
            ),
            feature_chart=drawn(
                charts.paired_chart,
                HALF,
                pairs=figures["features"],
                title=_("Directors by feature, applicants and selected"),
                **pair_labels,
            ),
            money_charts=[
                {
                    **entry,
                    "chart": drawn(
                        charts.bar_chart,
                        bars=entry["countries"],
                        title=_("Financing still missing by country, in %(currency)s")
                        % {"currency": entry["currency"]},
                        value_format=money,
                    ),
                }
                for entry in figures["money"]
            ],
            **kwargs,
        )


class ComparisonView(ManagedProgrammeMixin, TemplateView):
    template_name = "juries/dashboard/comparison.html"

    def get_context_data(self, **kwargs):
        rows = dashboard.comparison(self.programme)
        # The URL's `programme` (its slug) would otherwise stand for the programme.
        kwargs["programme"] = self.programme
        return super().get_context_data(
            rows=rows,
            chart=charts.responsive(
                partial(charts.column_chart, rows, title=_("Applications per edition")),
                wide=FULL,
                narrow={"width": PHONE["width"]},
            ),
            **kwargs,
        )
