"""Bar charts drawn on the server as SVG: no script, readable without colour, scaled with the text.

`bar_chart` only computes; templates/projects/_bar_chart.html draws. Lengths are in `em`
(vertical) and `%` (horizontal), so a chart follows the page's text size (大字版 makes it
larger) and the width of the screen without a viewBox shrinking its text on a phone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

# Horizontal layout, in % of the chart's width: the longest bar leaves room for its figure.
LONGEST_BAR = Decimal("72")
SMALLEST_BAR = Decimal("0.5")  # a non-zero figure never draws as nothing
VALUE_GAP = Decimal("1.5")
# Vertical layout of one row, in em: the label line, then the bar with its figure beside it.
ROW_HEIGHT = Decimal("3.3")
LABEL_BASELINE = Decimal("1.1")
BAR_TOP = Decimal("1.5")
BAR_HEIGHT = Decimal("1.3")
VALUE_BASELINE = Decimal("2.5")
LABEL_MAX_CHARS = 18


@dataclass(frozen=True)
class Bar:
    label: str  # in full, for the table and the text alternative
    short_label: str  # as drawn
    value: Decimal
    count: int
    value_text: str
    width: str  # "63.21%"
    value_x: str
    label_y: str  # "4.4em"
    bar_y: str
    value_y: str


@dataclass(frozen=True)
class BarChart:
    slug: str  # for element ids
    title: str
    unit: str
    bars: list[Bar]
    height: str

    bar_height: str = f"{BAR_HEIGHT}em"

    @property
    def summary(self) -> str:
        """The chart as one sentence, for screen readers."""
        return "；".join(f"{bar.label} {bar.value_text} {self.unit}" for bar in self.bars)


def _em(value: Decimal) -> str:
    return f"{value.normalize():f}em"


def _shorten(label: str) -> str:
    return label if len(label) <= LABEL_MAX_CHARS else label[: LABEL_MAX_CHARS - 1] + "…"


def _percent(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}%"


def bar_chart(
    rows: Iterable[dict],
    *,
    label: str,
    slug: str,
    title: str,
    unit: str = "亿元",
    empty_label: str = "未注明",
) -> BarChart:
    """A horizontal bar chart of grouped totals, in the given order: one bar per row of
    `rows` (dicts with the `label` key, "total" and "count", as ProjectQuerySet's
    section_totals() and location_totals() give them).

    Bars are scaled to the largest total; a missing total counts as zero."""
    totals = [
        (row[label] or empty_label, row["total"] or Decimal("0"), row["count"]) for row in rows
    ]
    largest = max((value for _, value, _ in totals), default=Decimal("0"))
    bars = []
    for index, (name, value, count) in enumerate(totals):
        width = LONGEST_BAR * value / largest if largest > 0 else Decimal("0")
        if value > 0:
            width = max(width, SMALLEST_BAR)
        top = ROW_HEIGHT * index
        bars.append(
            Bar(
                label=name,
                short_label=_shorten(name),
                value=value,
                count=count,
                value_text=f"{value.quantize(Decimal('0.01')):f}",
                width=_percent(width),
                value_x=_percent(width + VALUE_GAP),
                label_y=_em(top + LABEL_BASELINE),
                bar_y=_em(top + BAR_TOP),
                value_y=_em(top + VALUE_BASELINE),
            )
        )
    return BarChart(
        slug=slug, title=title, unit=unit, bars=bars, height=_em(ROW_HEIGHT * len(totals))
    )
