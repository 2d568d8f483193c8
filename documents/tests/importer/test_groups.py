"""Stage 12: leading groups and their members."""

from typing import cast

from documents.importer import clean_lines, parse_body, parse_groups
from documents.importer.groups import GroupScope, MemberRun, parse_member_run
from documents.importer.records import Block


def _seats(*lines: str) -> list[tuple[str, str, str, list[str]]]:
    return [
        (m.role_label, m.name, m.position, m.unit_names)
        for m in parse_member_run(MemberRun(list(lines)))
    ]


def _groups(text: str, title: str = "", notice_title: str = "市人民政府办公室关于某事的通知"):
    # The texts here hold no tables (parse_groups reads blocks and member runs only).
    items = cast(list[Block | MemberRun], parse_body(clean_lines(text)))
    return parse_groups([GroupScope(title=title, items=items)], notice_title, text)


def test_padded_roles_and_two_character_names():
    assert _seats(
        "组 长：杨 军 市长", "副组长：杨良锋 市委常委、常务副市长", "吴 刚 市委常委、副市长"
    ) == [
        ("组长", "杨军", "市长", []),
        ("副组长", "杨良锋", "市委常委、常务副市长", []),
        ("副组长", "吴刚", "市委常委、副市长", []),
    ]


def test_tab_separated_member_lines():
    assert _seats(
        "组 长：\t李 丽\t副市长", "\t郭正华\t市委政法委副书记", "徐志鹏\t市医保局副局长"
    ) == [
        ("组长", "李丽", "副市长", []),
        ("组长", "郭正华", "市委政法委副书记", []),
        ("组长", "徐志鹏", "市医保局副局长", []),
    ]


def test_member_roles_map_to_the_model_codes():
    members = parse_member_run(
        MemberRun(
            ["指挥长：杨良锋 市委常委", "副指挥长：市政府副秘书长", "成员：傅捷 市发改委副主任"]
        )
    )
    assert [m.role for m in members] == ["commander", "deputy_commander", "member"]


def test_a_seat_with_only_a_position_keeps_the_position():
    assert _seats("副指挥长：市政府副秘书长") == [("副指挥长", "", "市政府副秘书长", [])]


def test_unit_seats_have_no_person():
    assert _seats("成 员：市生态环境局、市经信局分管负责同志。") == [
        ("成员", "", "分管负责同志", ["市生态环境局"]),
        ("成员", "", "分管负责同志", ["市经信局"]),
    ]


def test_a_group_in_an_attachment_named_after_its_heading_with_office_and_director():
    groups = _groups(
        "一、咸宁长江经济带降碳减污扩绿增长十大行动指挥部\n\n指挥长：杨良锋 市委常委、常务副市长\n"
        "副指挥长：市政府副秘书长\n张善猛 市发改委主任\n成员：傅捷 市发改委副主任\n\n"
        "指挥部办公室设在市发改委，张善猛同志兼任办公室主任，傅捷同志兼任办公室副主任。\n"
        "二、专项指挥部\n(一) 推动降碳减污协同增效专项指挥部。\n指挥长：张善猛 市发改委主任\n"
        "成 员：市生态环境局、市林业局分管负责同志。\n"
        "专项指挥部办公室设在市发改委，吉祎同志兼任办公室主任。",
        title="咸宁长江经济带降碳减污扩绿增长十大行动指挥部和专项指挥部名单",
    )
    assert [(g.name, g.parent, g.office) for g in groups] == [
        ("咸宁长江经济带降碳减污扩绿增长十大行动指挥部", None, "市发改委"),
        (
            "推动降碳减污协同增效专项指挥部",
            "咸宁长江经济带降碳减污扩绿增长十大行动指挥部",
            "市发改委",
        ),
    ]
    assert [(m.role_label, m.name, m.position) for m in groups[0].members] == [
        ("指挥长", "杨良锋", "市委常委、常务副市长"),
        ("副指挥长", "", "市政府副秘书长"),
        ("副指挥长", "张善猛", "市发改委主任"),
        ("成员", "傅捷", "市发改委副主任"),
        ("办公室主任", "张善猛", "市发改委主任"),
        ("办公室副主任", "傅捷", "市发改委副主任"),
    ]
    assert groups[1].members[-1].name == "吉祎"


def test_a_group_named_by_the_attachment_title():
    groups = _groups(
        "组 长：杨 军 市长\n成 员：金 山 市政府秘书长\n", title="咸宁市住房保障工作领导小组成员名单"
    )
    assert groups[0].name == "咸宁市住房保障工作领导小组"


def test_a_group_in_the_body_named_by_the_notice_with_duties_and_office_director():
    groups = _groups(
        "为加强组织领导，市人民政府决定成立集中打击整治危害药品安全违法犯罪工作领导小组。现将有关事项通知如下：\n"
        "一、主要职责\n统筹协调集中打击整治危害药品安全违法犯罪工作。\n二、组成人员\n"
        "组 长：\t李 丽\t副市长\n成 员：\t邱 鹰\t市市场监管局副局长\n三、其他事项\n"
        "（一）领导小组办公室设在市市场监管局，承担日常工作。办公室主任由市市场监管局副局长邱鹰兼任。",
        notice_title="市人民政府办公室关于成立 集中打击整治危害药品安全违法犯罪 工作领导小组的通知",
    )
    group = groups[0]
    assert group.name == "集中打击整治危害药品安全违法犯罪工作领导小组"
    assert group.duties == "统筹协调集中打击整治危害药品安全违法犯罪工作。"
    assert group.office == "市市场监管局"
    assert [(m.role_label, m.name, m.position) for m in group.members] == [
        ("组长", "李丽", "副市长"),
        ("成员", "邱鹰", "市市场监管局副局长"),
        ("办公室主任", "邱鹰", "市市场监管局副局长"),
    ]


def test_a_unit_list_wrapped_over_lines_is_one_seat_list():
    groups = _groups(
        "组 长：杨 军 市长\n\n成 员：市政府秘书长、有关副秘书长，市\n\n"
        "委网信办，市发改委主要负责同志。\n",
        title="数字咸宁建设领导小组成员名单及专项协调机制责任分工",
    )
    assert groups[0].name == "数字咸宁建设领导小组"
    assert [(m.name, m.position, m.unit_names) for m in groups[0].members] == [
        ("杨军", "市长", []),
        ("", "市政府秘书长", []),
        ("", "有关副秘书长", []),
        ("", "主要负责同志", ["市委网信办"]),
        ("", "主要负责同志", ["市发改委"]),
    ]
