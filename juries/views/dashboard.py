"""The staff's cockpit: an edition at a glance, and the programme's editions compared.
Festival staff of the programme only (others 403; another programme's edition or
programme 404)."""

from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from editions.mixins import ManagedProgrammeMixin

from .. import charts, dashboard
from .staff import JuryEditionMixin

# The widths of a chart in a half-width and a full-width card, at the page's widest.
HALF = 500
FULL = 1000


def money(value) -> str:
    from django.utils.formats import number_format

    return number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)


class DashboardView(JuryEditionMixin, TemplateView):
    template_name = "juries/dashboard/edition.html"

    def get_context_data(self, **kwargs):
        figures = dashboard.edition_dashboard(self.edition)
        return super().get_context_data(
            figures=figures,
            timeline_chart=charts.timeline_chart(
                figures["timeline"],
                title=_("The edition's timeline"),
                today_label=_("Today"),
                width=FULL,
            ),
            status_chart=charts.bar_chart(figures["status"], title=_("Applications by status")),
            country_chart=charts.bar_chart(
                figures["countries"], title=_("Applications by country"), width=FULL
            ),
            genre_chart=charts.bar_chart(
                figures["genres"], title=_("Applications by genre"), width=HALF
            ),
            gender_chart=charts.paired_chart(
                figures["gender"],
                title=_("Directors by gender, applicants and selected"),
                first=_("Applicants"),
                second=_("Selected"),
                width=HALF,
            ),
            feature_chart=charts.paired_chart(
                figures["features"],
                title=_("Directors by feature, applicants and selected"),
                first=_("Applicants"),
                second=_("Selected"),
                width=HALF,
            ),
            money_charts=[
                {
                    **entry,
                    "chart": charts.bar_chart(
                        entry["countries"],
                        title=_("Financing still missing by country, in %(currency)s")
                        % {"currency": entry["currency"]},
                        value_format=money,
                        width=FULL,
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
            chart=charts.column_chart(rows, title=_("Applications per edition")),
            **kwargs,
        )
