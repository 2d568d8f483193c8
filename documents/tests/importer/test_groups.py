"""Stage 12: leading groups and their members."""

from typing import cast

import pytest

from documents.importer import clean_lines, parse_body, parse_groups
from documents.importer.groups import GroupScope, MemberRun, parse_member_run
from documents.importer.records import Block, ParsedTable


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
        ("组长", "郭正华", "市委政法委副书记", ["市委政法委"]),
        ("组长", "徐志鹏", "市医保局副局长", ["市医保局"]),
    ]


def test_member_roles_map_to_the_model_codes():
    members = parse_member_run(
        MemberRun(
            ["指挥长：杨良锋 市委常委", "副指挥长：市政府副秘书长", "成员：傅捷 市发改委副主任"]
        )
    )
    assert [m.role for m in members] == ["commander", "deputy_commander", "member"]


def test_a_seat_with_only_a_position_keeps_the_position():
    assert _seats("副指挥长：市政府副秘书长") == [("副指挥长", "", "市政府副秘书长", ["市政府"])]


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
        ("", "市政府秘书长", ["市政府"]),
        ("", "有关副秘书长", []),
        ("", "主要负责同志", ["市委网信办"]),
        ("", "主要负责同志", ["市发改委"]),
    ]


# --- Rosters printed one person a line ----------------------------------------------------------


def test_a_roster_without_role_labels_under_a_list_heading_is_one_seat_a_line():
    text = (
        "为发挥专家咨询作用，经研究，决定成立咸宁市第一届湿地保护专家委员会。\n\n"
        "咸宁市第一届湿地保护专家委员会委员名单\n\n"
        "周雅琴(女)    华中农业大学园艺林学学院教授\n"
        "韩 磊    市林业局副局长\n"
        "方志远（女）\t市湿地保护中心高级工程师\n"
        "陶 然（男，土家族）  市自然资源和规划局三级调研员\n"
    )
    items = parse_body(clean_lines(text))
    # The heading is not joined to the first seat, nor the seats to one another.
    assert [type(item).__name__ for item in items] == ["Block", "Block", "MemberRun"]
    assert cast(Block, items[1]).text == "咸宁市第一届湿地保护专家委员会委员名单"
    groups = _groups(text)
    assert [g.name for g in groups] == ["咸宁市第一届湿地保护专家委员会"]
    assert [
        (m.role, m.role_label, m.name, m.position, m.unit_names) for m in groups[0].members
    ] == [
        ("member", "委员", "周雅琴", "华中农业大学园艺林学学院教授", ["华中农业大学园艺林学学院"]),
        ("member", "委员", "韩磊", "市林业局副局长", ["市林业局"]),
        ("member", "委员", "方志远", "市湿地保护中心高级工程师", ["市湿地保护中心"]),
        ("member", "委员", "陶然", "市自然资源和规划局三级调研员", ["市自然资源和规划局"]),
    ]


def test_a_roster_in_an_attachment_is_named_by_the_attachment_title():
    groups = _groups(
        "严冬梅(女)    市文旅局副局长\n邓 杰    市博物馆馆长\n",
        title="咸宁市非物质文化遗产保护工作联席会议成员名单",
    )
    assert groups[0].name == "咸宁市非物质文化遗产保护工作联席会议"
    assert [(m.role_label, m.name, m.unit_names) for m in groups[0].members] == [
        ("成员", "严冬梅", ["市文旅局"]),
        ("成员", "邓杰", ["市博物馆"]),
    ]


def test_roster_lines_after_a_role_line_take_its_role():
    assert _seats("委 员：", "柯晓燕(女)\t市妇联副主席", "毛 勇    市总工会副主席") == [
        ("委员", "柯晓燕", "市妇联副主席", ["市妇联"]),
        ("委员", "毛勇", "市总工会副主席", ["市总工会"]),
    ]


def test_a_roster_with_single_spaces_as_a_pdf_gives_it_stays_one_seat_a_line():
    groups = _groups(
        "市城市排水防涝专家组成员名单\n\n鲁 平 市住建局总工程师\n石文博 市气象局副局长\n"
    )
    assert [(m.name, m.position) for m in groups[0].members] == [
        ("鲁平", "市住建局总工程师"),
        ("石文博", "市气象局副局长"),
    ]


def test_a_two_column_table_with_a_heading_row_stays_a_table():
    items = parse_body(clean_lines("姓名\t工作单位\n梁 红\t市档案馆副馆长\n覃立新\t市图书馆馆长\n"))
    assert len(items) == 1 and isinstance(items[0], ParsedTable)


# --- Role words of committees, commands and joint meetings --------------------------------------


@pytest.mark.parametrize(
    ("lines", "roles"),
    [
        (
            ["主 任：甲甲 市长", "常务副主任：乙乙 副市长", "副主任：丙丙 市政府秘书长"],
            [("主任", "leader"), ("常务副主任", "deputy_leader"), ("副主任", "deputy_leader")],
        ),
        (
            ["主任委员：甲甲 副市长", "副主任委员：乙乙 市卫健委主任", "委 员：丙丙 市医保局局长"],
            [("主任委员", "leader"), ("副主任委员", "deputy_leader"), ("委员", "member")],
        ),
        (
            ["指 挥 长：甲甲 市长", "副指挥长：乙乙 副市长", "成 员：丙丙 市应急管理局局长"],
            [("指挥长", "commander"), ("副指挥长", "deputy_commander"), ("成员", "member")],
        ),
        (
            ["召集人：甲甲 副市长", "副召集人：乙乙 市政府副秘书长", "成员：丙丙 市商务局局长"],
            [("召集人", "leader"), ("副召集人", "deputy_leader"), ("成员", "member")],
        ),
        (
            ["主任：甲甲 副市长", "秘书长：乙乙 市发改委主任", "副秘书长：丙丙 市发改委副主任"],
            [
                ("主任", "leader"),
                ("秘书长", "office_director"),
                ("副秘书长", "office_deputy_director"),
            ],
        ),
    ],
    ids=["committee", "chair-committee", "command", "joint-meeting", "secretariat"],
)
def test_role_words_of_each_kind_of_body_map_to_the_model_codes(lines, roles):
    members = parse_member_run(MemberRun(lines))
    assert [(m.role_label, m.role) for m in members] == roles
    assert [m.name for m in members] == ["甲甲", "乙乙", "丙丙"]


def test_member_units_of_a_joint_meeting_are_unit_seats():
    assert _seats("成员单位：市发改委、市财政局、咸宁高新区管委会") == [
        ("成员单位", "", "", ["市发改委"]),
        ("成员单位", "", "", ["市财政局"]),
        ("成员单位", "", "", ["咸宁高新区管委会"]),
    ]


# --- Units from positions; names are never units ------------------------------------------------


@pytest.mark.parametrize(
    ("position", "units"),
    [
        ("市医保局副局长", ["市医保局"]),
        ("市政府副秘书长、市发改委主任", ["市政府", "市发改委"]),
        ("市水利和湖泊局局长", ["市水利和湖泊局"]),
        ("咸宁高新区管委会副主任", ["咸宁高新区管委会"]),
        ("市统计局二级调研员", ["市统计局"]),
        ("副市长", []),
        ("市委常委、常务副市长", []),
        ("教授", []),
    ],
)
def test_a_members_units_are_read_from_the_position(position, units):
    assert _seats(f"成 员：冯 涛 {position}") == [("成员", "冯涛", position, units)]


def test_persons_names_are_never_units():
    members = parse_member_run(
        MemberRun(
            [
                "组 长：张三 市长",
                "副组长：张三丰 市政府副市长",
                "李 四 市政府副秘书长",
                "成 员：王五、赵六",
                "副组长：钱 七\t副市长\t孙八\t市政府副秘书长",
            ]
        )
    )
    assert [(m.role_label, m.name, m.position, m.unit_names) for m in members] == [
        ("组长", "张三", "市长", []),
        ("副组长", "张三丰", "市政府副市长", ["市政府"]),
        ("副组长", "李四", "市政府副秘书长", ["市政府"]),
        ("成员", "王五", "", []),
        ("成员", "赵六", "", []),
        ("副组长", "钱七", "副市长", []),
        ("副组长", "孙八", "市政府副秘书长", ["市政府"]),
    ]


def test_two_people_on_one_line_are_two_seats():
    assert _seats("副组长：郑 洁 副市长  吕方明 市政府副秘书长") == [
        ("副组长", "郑洁", "副市长", []),
        ("副组长", "吕方明", "市政府副秘书长", ["市政府"]),
    ]


# --- Names of committees, commands and joint meetings -------------------------------------------


@pytest.mark.parametrize(
    ("notice_title", "name"),
    [
        ("咸宁市人民政府关于调整市食品安全委员会组成人员的通知", "市食品安全委员会"),
        ("市人民政府办公室关于调整充实市森林防火指挥部成员的通知", "市森林防火指挥部"),
        ("市人民政府办公室关于建立咸宁市就业工作联席会议制度的通知", "咸宁市就业工作联席会议"),
    ],
)
def test_a_group_named_by_a_notice_that_adjusts_or_sets_it_up(notice_title, name):
    groups = _groups("主 任：甲甲 市长\n委 员：乙乙 市财政局局长\n", notice_title=notice_title)
    assert [g.name for g in groups] == [name]


def test_a_group_named_by_the_body_sentence_that_adjusts_it():
    groups = _groups(
        "因人事变动，决定对市消费者权益保护委员会组成人员进行调整。\n主 任：甲甲 副市长\n",
        notice_title="市人民政府办公室关于人事调整的通知",
    )
    assert [g.name for g in groups] == ["市消费者权益保护委员会"]


@pytest.mark.parametrize(
    ("heading", "name"),
    [
        ("一、市安全生产委员会组成人员", "市安全生产委员会"),
        ("（二）市防汛抗旱指挥部", "市防汛抗旱指挥部"),
        ("市河湖长制工作联席会议制度成员名单", "市河湖长制工作联席会议"),
    ],
)
def test_a_group_named_by_its_heading(heading, name):
    groups = _groups(f"{heading}\n召集人：甲甲 副市长\n成 员：乙乙 市水利和湖泊局局长\n")
    assert [g.name for g in groups] == [name]
