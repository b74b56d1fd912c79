"""Charts drawn by the server as inline SVG: no script, no style attribute (the Content
Security Policy allows neither), colours from classes in portal.css. Each chart is an
image with a title for screen readers; the figures it shows are also in the page's text.
"""

from django.utils.formats import number_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
LABEL_WIDTH = 190
ROW = 26
BAR = 16


def _number(value) -> str:
    return number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)


def _svg(height: int, title: str, body: list[str], *, css: str, width=WIDTH) -> SafeString:
    # Every part of the body escapes the text it holds (escape() in each f-string).
    inner = mark_safe("".join(body))  # nosec B308, B703
    # Drawn at its own size (never enlarged: the text stays the size of the page's);
    # portal.css shrinks it to fit a narrow column.
    return format_html(
        '<svg class="chart {}" viewBox="0 0 {} {}" width="{}" height="{}" role="img">'
        "<title>{}</title>{}</svg>",
        css,
        width,
        height,
        width,
        height,
        title,
        inner,
    )


def bar_chart(
    bars, *, title: str, value_format=_number, width=WIDTH, label_width=LABEL_WIDTH
) -> SafeString:
    """Horizontal bars, one a row, the label on the left and the value at the bar's end."""
    plot = width - label_width - 80
    limit = max(8, label_width // 7)
    body = []
    for index, bar in enumerate(bars):
        y = index * ROW + 4
        length = max(round(min(bar.share, 1.0) * plot, 1), 1 if bar.value else 0)
        body.append(
            f'<text class="chart-label" x="{label_width - 8}" y="{y + BAR - 3}" '
            f'text-anchor="end">{escape(_shorten(bar.label, limit))}</text>'
            f'<rect class="chart-bar" x="{label_width}" y="{y}" width="{length}" '
            f'height="{BAR}" rx="2"><title>{escape(bar.label)}: '
            f"{escape(value_format(bar.value))}</title></rect>"
            f'<text class="chart-value" x="{label_width + length + 6}" y="{y + BAR - 3}">'
            f"{escape(value_format(bar.value))}</text>"
        )
    return _svg(max(len(bars), 1) * ROW + 8, title, body, css="chart-bars", width=width)


def paired_chart(
    pairs, *, title: str, first: str, second: str, width=WIDTH, label_width=LABEL_WIDTH
) -> SafeString:
    """Two bars a category — its share among applicants and among the selected — on a
    0–100 % scale, with a legend."""
    plot = width - label_width - 80
    limit = max(8, label_width // 7)
    row = 2 * BAR + 14
    body = [
        f'<rect class="chart-bar" x="{label_width}" y="4" width="12" height="12"/>'
        f'<text class="chart-legend" x="{label_width + 18}" y="14">{escape(first)}</text>'
        f'<rect class="chart-bar chart-bar-second" x="{label_width + 120}" y="4" width="12" '
        f'height="12"/><text class="chart-legend" x="{label_width + 138}" y="14">'
        f"{escape(second)}</text>"
    ]
    for index, pair in enumerate(pairs):
        y = 28 + index * row
        body.append(
            f'<text class="chart-label" x="{label_width - 8}" y="{y + BAR + 4}" '
            f'text-anchor="end">{escape(_shorten(pair.label, limit))}</text>'
        )
        for offset, percent, count, css in (
            (0, pair.applicants_percent, pair.applicants, "chart-bar"),
            (BAR + 2, pair.selected_percent, pair.selected, "chart-bar chart-bar-second"),
        ):
            length = round(percent / 100 * plot, 1)
            label = f"{round(percent)} % ({count})"
            body.append(
                f'<rect class="{css}" x="{label_width}" y="{y + offset}" width="{length}" '
                f'height="{BAR}" rx="2"><title>{escape(pair.label)}: {escape(label)}</title>'
                f'</rect><text class="chart-value" x="{label_width + length + 6}" '
                f'y="{y + offset + BAR - 3}">{escape(label)}</text>'
            )
    return _svg(28 + max(len(pairs), 1) * row, title, body, css="chart-pairs", width=width)


def timeline_chart(timeline, *, title: str, today_label: str, width=WIDTH) -> SafeString:
    """The edition's milestones on one axis of days, today marked."""
    left, plot = 10, width - 20
    row = 24
    top = 30
    height = top + max(len(timeline.milestones), 1) * row + 10
    body = [
        f'<line class="timeline-axis" x1="{left}" y1="{top - 8}" x2="{left + plot}" '
        f'y2="{top - 8}"/>'
        f'<text class="chart-value" x="{left}" y="{top - 14}">'
        f"{escape(_day(timeline.start))}</text>"
        f'<text class="chart-value" x="{left + plot}" y="{top - 14}" text-anchor="end">'
        f"{escape(_day(timeline.end))}</text>"
    ]
    if timeline.today_left is not None:
        # Under the milestones, whose labels have a halo (portal.css).
        x = left + timeline.today_left / 100 * plot
        anchor = "end" if x > width - 80 else "start"
        label_x = x - 4 if anchor == "end" else x + 4
        body.append(
            f'<line class="timeline-today" x1="{x:.1f}" y1="{top - 12}" x2="{x:.1f}" '
            f'y2="{height - 4}"/><text class="timeline-today-label" x="{label_x:.1f}" '
            f'y="{height - 6}" text-anchor="{anchor}">{escape(today_label)}</text>'
        )
    # Labels go right of their mark, or left of it in the last part of the axis.
    flip_after = width - min(260, width / 2)
    for index, milestone in enumerate(timeline.milestones):
        y = top + index * row
        x = left + milestone.left / 100 * plot
        if milestone.width:
            length = max(milestone.width / 100 * plot, 3)
            shape = (
                f'<rect class="timeline-{milestone.kind}" x="{x:.1f}" y="{y}" '
                f'width="{length:.1f}" height="14" rx="3"/>'
            )
        else:
            length = 6
            shape = f'<circle class="timeline-{milestone.kind}" cx="{x:.1f}" cy="{y + 7}" r="6"/>'
        label_x, anchor = x + length + 6, "start"
        if label_x > flip_after:
            label_x, anchor = x - 8, "end"
        body.append(
            f'<g>{shape}<text class="chart-label timeline-label" x="{label_x:.1f}" '
            f'y="{y + 12}" text-anchor="{anchor}">{escape(milestone.label)}</text></g>'
        )
    return _svg(height, title, body, css="chart-timeline", width=width)


def column_chart(rows, *, title: str, width=WIDTH) -> SafeString:
    """Applications per edition, oldest on the left."""
    height, base = 180, 150
    count = max(len(rows), 1)
    slot = (width - 20) / count
    width = min(slot * 0.6, 60)
    body = []
    for index, row in enumerate(rows):
        x = 10 + index * slot + (slot - width) / 2
        bar = round(row["share"] * 120, 1)
        body.append(
            f'<rect class="chart-bar" x="{x:.1f}" y="{base - bar:.1f}" width="{width:.1f}" '
            f'height="{bar}" rx="2"><title>{escape(row["edition"].display_title)}: '
            f"{row['applications']}</title></rect>"
            f'<text class="chart-value" x="{x + width / 2:.1f}" y="{base - bar - 4:.1f}" '
            f'text-anchor="middle">{row["applications"]}</text>'
            f'<text class="chart-label" x="{x + width / 2:.1f}" y="{base + 16}" '
            f'text-anchor="middle">{row["edition"].year}</text>'
        )
    return _svg(height, title, body, css="chart-columns", width=width)


def responsive(draw, *, wide: dict, narrow: dict) -> SafeString:
    """The same chart drawn twice, for wide screens and for phones (portal.css shows
    one): scaled down to a phone's width, a wide chart's text would be unreadable."""
    return format_html(
        '<div class="chart-wide">{}</div><div class="chart-narrow">{}</div>',
        draw(**wide),
        draw(**narrow),
    )


def _shorten(label: str, limit: int = 26) -> str:
    label = str(label)
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _day(day) -> str:
    from django.utils.formats import date_format

    return date_format(day, "DATE_FORMAT")
