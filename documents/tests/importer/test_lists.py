"""Stages 10 and 11: project/task lists, tasks in running text, unit names."""

from decimal import Decimal

import pytest

from documents.importer import extract_text_tasks, parse_project_list, parse_table, split_unit_names
from documents.importer.body import classify_block
from documents.importer.lists import is_project_list, locate_project
from documents.importer.records import UnitRef

# --- split_unit_names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (
            "市发改委、市生态环境局，市经信局；市住建局",
            ["市发改委", "市生态环境局", "市经信局", "市住建局"],
        ),
        (
            "市直有关单位，各县市区人民政府，咸宁高新区管委会",
            ["市直有关单位", "各县市区人民政府", "咸宁高新区管委会"],
        ),
        (
            "市城市管理领导小组成员单位，各县（市、区）人民政府",
            ["市城市管理领导小组成员单位", "各县（市、区）人民政府"],
        ),
        ("通城县、崇阳县、通山县人民政府", ["通城县人民政府", "崇阳县人民政府", "通山县人民政府"]),
        ("市发改委 市生态环境局", ["市发改委", "市生态环境局"]),
        ("市自然资源和规 划局", ["市自然资源和规划局"]),
        ("湖北科技学院、咸宁职教（集团）学校", ["湖北科技学院", "咸宁职教（集团）学校"]),
        ("市生态环境局、市经信局分管负责同志。", ["市生态环境局", "市经信局"]),
        (
            "市住建局，各县市区人民政府，咸宁高新区管委会，以下任务均需各县市区人民政府落实，不再列出",
            ["市住建局", "各县市区人民政府", "咸宁高新区管委会"],
        ),
        ("市直各金融机构、市直各金融机构", ["市直各金融机构"]),
    ],
)
def test_split_unit_names(text, names):
    assert split_unit_names(text) == names


# --- project lists ------------------------------------------------------------------------------

HEADER = "序号\t事项/项目名称\t事项主要内容/项目建设内容\t完成时限\t责任单位\t配合单位"
LIST = [
    HEADER,
    "合计：事项 3 项、项目 3 个，总投资 17.7 亿元。\t\t\t\t\t",
    "一、推动降碳减污协同增效（牵头单位：市发改委）\t\t\t\t\t",
    "(一) 事项（2个）。\t\t\t\t\t",
    "1\t制定出台《咸宁市碳达峰实施方案》，并组织实施。\t2022 年 市发改委、市生态环境局\t\t\t",
    "2\t接续创建国家生态文明建设示范城市。\t持续推进\t市生态环境局\t市直有关部门\t",
    "(二) 项目（2个，总投资额 16.2 亿元）。\t\t\t\t\t",
    "1\t咸安区 150MW 渔光互补光伏项目\t总投资额：6 亿元。 建设内容：利用 4377 亩鱼塘。"
    "\t2025 年\t咸安区人民政府\t",
    "2\t赤壁市整县屋顶分布式光伏开发项目\t总投资额：102000 万元。 建设内容：新建装机容量。"
    "\t2023年\t市发改委\t",
    "六、推进综合交通绿色发展(牵头单位: 市交通运输局、市发改委)\t\t\t\t\t",
    "(一) 事项(无)。\t\t\t\t\t",
    "序号\t事项/项目名称\t事项主要内容/项目建设内容\t责任单位\t完成时限\t配合单位",
    "(二) 事项(1个)\t\t\t\t\t",
    "1\t推动绿色债券发行。\t\t持续推进 市发改委、市地方金融工作局\t\t",
    "(三) 项目(1个, 总投资额1.5亿元)。\t\t\t\t\t",
    "1\t城区堵点整治项目\t总投资额: 1.5亿元。 建设内容: 整治40处堵点。\t2023年\t市城管执法委\t",
]


def _list(lines=LIST):
    table = parse_table(lines, "责任清单")
    assert is_project_list(table)
    return table, parse_project_list(table, "附件2")


def test_list_sections_with_their_lead_units_and_printed_figures():
    _, result = _list()
    assert [(s.number, s.title, s.lead_units) for s in result.sections] == [
        ("一", "推动降碳减污协同增效", ["市发改委"]),
        ("六", "推进综合交通绿色发展", ["市交通运输局", "市发改委"]),
    ]
    first, second = result.sections
    assert (first.printed_tasks, first.printed_projects, first.printed_investment_yi) == (
        2,
        2,
        Decimal("16.2"),
    )
    assert second.printed_tasks == 1 and second.printed_projects == 1


def test_list_projects_with_investment_in_yi_deadline_location_and_units():
    _, result = _list()
    project = result.projects[0]
    assert (project.number, project.name, project.investment_yi) == (
        1,
        "咸安区150MW渔光互补光伏项目",
        6,
    )
    assert project.content == "利用4377亩鱼塘。"
    assert (project.deadline_text, project.deadline_year, project.location) == (
        "2025年",
        2025,
        "咸安区",
    )
    assert project.units == [UnitRef("responsible", "咸安区人民政府")]
    assert result.projects[1].investment_yi == Decimal("10.2")  # 102000 万元
    assert result.projects[1].location == "赤壁市"  # from its name, the unit being a city bureau
    assert result.projects[2].location is None
    assert result.projects[2].section_order == 2


def test_list_tasks_with_a_deadline_glued_to_the_units():
    _, result = _list()
    assert [(t.content, t.deadline_text, t.deadline_year) for t in result.tasks] == [
        ("制定出台《咸宁市碳达峰实施方案》，并组织实施。", "2022年", 2022),
        ("接续创建国家生态文明建设示范城市。", "持续推进", None),
        ("推动绿色债券发行。", "持续推进", None),
    ]
    assert result.tasks[0].units == [
        UnitRef("responsible", "市发改委"),
        UnitRef("responsible", "市生态环境局"),
    ]
    assert result.tasks[1].units == [
        UnitRef("responsible", "市生态环境局"),
        UnitRef("cooperating", "市直有关部门"),
    ]
    assert result.tasks[2].units == [
        UnitRef("responsible", "市发改委"),
        UnitRef("responsible", "市地方金融工作局"),
    ]


def test_list_figures_that_add_up_give_no_warning_and_the_table_is_rewritten_in_columns():
    table, result = _list()
    assert result.warnings == []
    assert (result.totals.tasks, result.totals.projects, result.totals.investment_yi) == (
        3,
        3,
        Decimal("17.7"),
    )
    assert [
        "1",
        "推动绿色债券发行。",
        "",
        "持续推进",
        "市发改委、市地方金融工作局",
        "",
    ] in table.rows


def test_a_corrupted_subtotal_or_count_is_a_warning_naming_the_section_and_both_figures():
    lines = [
        line.replace("16.2 亿元", "16.9 亿元").replace("事项（2个）", "事项（3个）")
        for line in LIST
    ]
    _, result = _list(lines)
    assert result.warnings == [
        "附件2第一部分“推动降碳减污协同增效”事项：印有3项，列出2项",
        "附件2第一部分“推动降碳减污协同增效”总投资：印有16.9亿元，各项目合计16.2亿元",
    ]


def test_a_wrong_grand_total_is_a_warning():
    lines = [
        line.replace("17.7 亿元", "18 亿元").replace("项目 3 个", "项目 4 个") for line in LIST
    ]
    _, result = _list(lines)
    assert result.warnings == [
        "附件2合计：印有项目4个，列出3个",
        "附件2合计：印有总投资18亿元，各项目合计17.7亿元",
    ]


def test_a_table_without_deadline_column_is_not_a_list():
    table = parse_table(
        ["序号\t领域\t发展思路及建设目标\t重点项目\t责任单位", "1\t交通\t…\t…\t市交通运输局"]
    )
    assert not is_project_list(table)


@pytest.mark.parametrize(
    ("responsible", "name", "location"),
    [
        (["咸宁高新区管委会"], "横沟铁路综合物流园", "咸宁高新区"),
        (["通山县人民政府"], "湖北原乡假日项目", "通山县"),
        (["市住建局"], "崇阳县城北片区雨污分流建设项目", "崇阳县"),
        (["市住建局"], "华润·赤壁长江经济带乡村振兴示范项目", "赤壁市"),
        (["市住建局"], "主城区供水增量提质工程", None),
        (["市交通运输局"], "通城—崇阳高速公路", None),  # two counties: cannot tell
    ],
)
def test_project_location(responsible, name, location):
    assert locate_project(responsible, name) == location


# --- tasks in running text ----------------------------------------------------------------------


def test_numbered_measures_with_a_unit_parenthetical_are_tasks():
    blocks = [
        classify_block("三、政策举措"),
        classify_block("（一）加强项目谋划储备。"),
        classify_block(
            "1. 强化招商引资。坚持招商引资不动摇。"
            "（牵头单位：市招商和投资促进局；责任单位：市直有关单位，各县市区人民政府，咸宁高新区管委会）"
        ),
        classify_block("本段没有编号。（责任单位：市人社局）"),
        classify_block(
            "二、支持引进外地大学生来咸就业。鼓励招才引智。（责任单位：市人社局、市财政局）"
            "推行先落户后就业。〔责任单位：市公安局，咸宁职教（集团）学校〕"
        ),
    ]
    tasks = extract_text_tasks(blocks)
    assert [(t.section, t.section_order, t.number, t.label, t.content) for t in tasks] == [
        ("加强项目谋划储备", 1, 1, "1.", "强化招商引资。坚持招商引资不动摇。"),
        ("", 2, 1, "二、", "支持引进外地大学生来咸就业。鼓励招才引智。"),
        ("", 2, 2, "二、", "推行先落户后就业。"),
    ]
    assert tasks[0].units == [
        UnitRef("lead", "市招商和投资促进局"),
        UnitRef("responsible", "市直有关单位"),
        UnitRef("responsible", "各县市区人民政府"),
        UnitRef("responsible", "咸宁高新区管委会"),
    ]
    assert tasks[2].units == [
        UnitRef("responsible", "市公安局"),
        UnitRef("responsible", "咸宁职教（集团）学校"),
    ]
    assert {t.source for t in tasks} == {"text"}
