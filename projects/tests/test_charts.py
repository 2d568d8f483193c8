"""The server-drawn bar charts: bars scale to the largest total and carry their figures."""

from decimal import Decimal

from projects.charts import LONGEST_BAR, bar_chart


def chart(*totals, label="location"):
    rows = [
        {label: name, "total": None if total is None else Decimal(total), "count": 1}
        for name, total in totals
    ]
    return bar_chart(rows, label=label, slug="test", title="测试")


def test_the_largest_total_draws_the_longest_bar_and_others_in_proportion():
    bars = chart(("通山县", "192.45"), ("咸安区", "64.15")).bars
    assert bars[0].width == f"{LONGEST_BAR:.2f}%"
    assert bars[1].width == "24.00%"


def test_each_bar_carries_its_figure_and_label_in_the_given_order():
    bars = chart(("赤壁市", "143.79"), ("嘉鱼县", "76.5")).bars
    assert [(bar.label, bar.value_text) for bar in bars] == [
        ("赤壁市", "143.79"),
        ("嘉鱼县", "76.50"),
    ]


def test_a_tiny_total_is_still_visible_and_zero_or_missing_draws_nothing():
    bars = chart(("甲", "1000"), ("乙", "0.01"), ("丙", "0"), ("丁", None)).bars
    assert bars[1].width == "0.50%"
    assert [bar.width for bar in bars[2:]] == ["0.00%", "0.00%"]
    assert bars[3].value_text == "0.00"


def test_rows_without_a_label_are_named_and_long_labels_shortened_only_when_drawn():
    long = "提升城乡绿色人居环境和长江文化旅游建设专项行动清单"
    bars = chart(("", "5.8"), (long, "1")).bars
    assert bars[0].label == "未注明"
    assert bars[1].label == long
    assert bars[1].short_label.endswith("…") and len(bars[1].short_label) < len(long)


def test_rows_stack_downwards_and_the_chart_is_as_tall_as_its_rows():
    result = chart(("甲", "1"), ("乙", "2"), ("丙", "3"))
    tops = [float(bar.bar_y.removesuffix("em")) for bar in result.bars]
    assert tops == sorted(tops) and len(set(tops)) == 3
    assert float(result.height.removesuffix("em")) > tops[-1]


def test_the_text_alternative_names_every_bar_with_its_figure():
    assert chart(("通山县", "192.45"), ("咸安区", "64.26")).summary == (
        "通山县 192.45 亿元；咸安区 64.26 亿元"
    )


def test_no_rows_give_an_empty_chart():
    result = chart()
    assert (result.bars, result.height) == ([], "0em")
