"""Stages 10 and 11: project/task lists, tasks in running text, unit names."""

from decimal import Decimal

import pytest

from documents.importer import extract_text_tasks, parse_project_list, parse_table, split_unit_names
from documents.importer.body import classify_block
from documents.importer.lists import (
    is_project_list,
    is_task_table,
    locate_project,
    parse_task_table,
    read_list,
)
from documents.importer.notices import _read_lists_and_tasks
from documents.importer.records import ParsedAttachment, ParsedNotice, UnitRef

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


# --- other tables of tasks ----------------------------------------------------------------------

CATALOGUE_HEADER = "序号\t应用项目\t建设内容\t牵头单位\t责任单位\t完成时间"
PLACES = ("城区", "乡镇", "园区", "学校", "社区", "景区")
SYSTEMS = ("智慧停车", "电子证照", "视频共享", "预约挂号", "水质监测")


def _catalogue() -> list[str]:
    """A catalogue of 62 applications in two sections, with a subtotal and a total."""
    lines = [CATALOGUE_HEADER, "一、数字政府\t\t\t\t\t"]
    for number in range(1, 63):
        if number == 31:
            lines += ["小计\t\t\t\t\t30项", "二、数字社会（牵头单位：市数据局）\t\t\t\t\t"]
        place, system = PLACES[number % 6], SYSTEMS[number % 5]
        lead = "市政务服务和大数据管理局" if number < 31 else ""
        lines.append(
            f"{number}\t{place}{system}应用{number}\t建设{place}{system}平台，接入 {number} 个点位"
            f"\t{lead}\t市财政局、各县市区人民政府\t{2022 + number % 3}年底前"
        )
    lines[10] = lines[10].rsplit("\t", 1)[0] + "\t持续推进"  # the 9th application
    return [*lines, "合计\t\t\t\t\t62项"]


def test_a_catalogue_with_lead_and_responsible_columns_gives_a_task_per_row():
    table = parse_table(_catalogue(), "应用目录")
    rows = [list(row) for row in table.rows]
    assert not is_project_list(table) and is_task_table(table)
    result = read_list(table, "附件1")
    assert result is not None and len(result.tasks) == 62
    assert table.rows == rows  # the table itself stays as printed
    first = result.tasks[0]
    assert (first.section, first.section_order, first.number, first.label) == (
        "数字政府",
        1,
        1,
        "1",
    )
    assert first.content == "乡镇电子证照应用1"
    assert first.measures == "建设乡镇电子证照平台，接入1个点位"
    assert (first.deadline_text, first.deadline_year) == ("2023年底前", 2023)
    assert first.units == [
        UnitRef("lead", "市政务服务和大数据管理局"),
        UnitRef("responsible", "市财政局"),
        UnitRef("responsible", "各县市区人民政府"),
    ]
    assert (first.attachment, first.source) == ("附件1", "list")
    assert [(t.deadline_text, t.deadline_year) for t in result.tasks if t.number == 9] == [
        ("持续推进", None)
    ]
    last = result.tasks[-1]
    assert (last.section, last.section_order, last.number) == ("数字社会", 2, 62)
    assert last.units == [
        UnitRef("responsible", "市财政局"),
        UnitRef("responsible", "各县市区人民政府"),
    ]
    assert [(s.number, s.title, s.lead_units) for s in result.sections] == [
        ("一", "数字政府", []),
        ("二", "数字社会", ["市数据局"]),
    ]
    assert result.warnings == []


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("牵头部门", "lead"),
        ("主办单位", "lead"),
        ("牵头责任单位", "lead"),
        ("责任部门", "responsible"),
        ("责任主体", "responsible"),
        ("实施单位", "responsible"),
        ("配合部门", "cooperating"),
        ("协办单位", "cooperating"),
    ],
)
def test_a_unit_column_names_the_role_of_its_units(header, role):
    table = parse_table([f"序号\t工作任务\t{header}", "1\t编制数据资源目录\t市数据局 市统计局"])
    (task,) = parse_task_table(table).tasks
    assert task.units == [UnitRef(role, "市数据局"), UnitRef(role, "市统计局")]


@pytest.mark.parametrize(
    ("header", "cell", "deadline", "year"),
    [
        ("时间节点", "2023年6月底前", "2023年6月底前", 2023),
        ("办结时限", "2024 年 12 月", "2024年12月", 2024),
        ("完成时限", "2022—2025年", "2022—2025年", 2025),
        ("时限", "长期坚持", "长期坚持", None),
    ],
)
def test_a_deadline_column_is_read_as_the_list_parser_reads_it(header, cell, deadline, year):
    table = parse_table([f"重点任务\t责任单位\t{header}", f"建成城市大脑\t市数据局\t{cell}"])
    (task,) = parse_task_table(table).tasks
    assert (task.number, task.label, task.deadline_text, task.deadline_year) == (
        1,
        "",
        deadline,
        year,
    )


def test_a_deadline_told_in_a_sentence_keeps_its_date_and_the_sentence_goes_to_the_measures():
    sentence = (
        "2023年6月底前完成平台建设，2024年底前实现全市覆盖，此后每年组织一次评估，"
        "评估结果报市政府并向社会公开"
    )
    table = parse_table(["事项\t配合单位\t完成时限", f"推广电子印章\t市公安局\t{sentence}"])
    (task,) = parse_task_table(table).tasks
    assert (task.deadline_text, task.deadline_year) == ("2023年6月底前", 2023)
    assert task.measures == sentence
    assert task.units == [UnitRef("cooperating", "市公安局")]


def test_several_text_columns_give_the_content_and_the_measures_and_a_category_the_section():
    table = parse_table(
        [
            "序号\t领域\t工作目标\t具体任务\t牵头领导\t牵头单位\t开工时间\t完成时间\t备注",
            "1\t数字经济\t培育新业态\t建设 产业平台\t李副市长\t市经信局\t2022年\t2024年\t新建",
            "2\t\t做强园区\t打造数字产业园\t李副市长\t市经信局\t2022年\t2025年\t",
            "3\t数字治理\t\t推进一网统管\t王副市长\t市数据局\t\t2023年\t",
        ]
    )
    tasks = parse_task_table(table).tasks
    assert [(t.section_order, t.section, t.content, t.measures) for t in tasks] == [
        (1, "数字经济", "培育新业态", "建设 产业平台"),
        (1, "数字经济", "做强园区", "打造数字产业园"),
        (2, "数字治理", "推进一网统管", ""),
    ]
    assert [t.deadline_year for t in tasks] == [2024, 2025, 2023]
    assert tasks[0].units == [UnitRef("lead", "市经信局")]  # not 李副市长: a person


def test_a_row_without_text_is_skipped_with_a_warning_and_a_bare_number_is_no_section():
    table = parse_table(
        [
            "序号\t任务内容\t责任单位",
            "1\t整合政务热线\t市政府办",
            "2\t\t市数据局",
            "3\t\t",
            "①\t共享政务数据\t市数据局",
        ]
    )
    result = parse_task_table(table, "附件2")
    assert [(t.number, t.label, t.content) for t in result.tasks] == [
        (1, "1", "整合政务热线"),
        (2, "①", "共享政务数据"),
    ]
    assert [s.title for s in result.sections] == [""]
    assert result.warnings == [
        "附件2中有一行没有事项内容，已跳过：“2”",
        "附件2中有一行没有事项内容，已跳过：“3”",
    ]


@pytest.mark.parametrize(
    "lines",
    [
        [
            "序号\t领域\t建设目标\t重点项目\t责任单位",  # rows are areas, not tasks
            "1\t交通\t互联互通\t甲公路、乙大桥\t市交通运输局",
        ],
        ["供稿单位\t撰稿内容", "市档案馆\t馆藏工作概况"],
        ["姓名\t工作单位\t荣誉称号\t表彰单位", "林青\t市数据局\t先进个人\t省人社厅"],
        ["序号\t工作任务\t牵头领导\t联系人", "1\t建成城市大脑\t李副市长\t王明"],
    ],
)
def test_a_table_without_a_unit_column_or_a_task_column_gives_no_tasks(lines):
    table = parse_table(lines)
    assert not is_task_table(table)
    assert read_list(table) is None


def test_a_project_list_is_still_read_as_one():
    table = parse_table(LIST, "责任清单")
    assert not is_task_table(table)
    result = read_list(table, "附件2")
    assert result is not None and result.totals is not None and result.totals.projects == 3


def test_a_notices_tables_of_tasks_follow_its_list_sections_and_replace_its_text_tasks():
    tasks_table = parse_table(
        [
            "序号\t重点任务\t牵头单位\t配合单位",
            "一、数据共享\t\t\t",
            "1\t建设数据共享平台\t市数据局\t市直各部门",
            "2\t编制共享目录\t市数据局\t",
        ]
    )
    notice = ParsedNotice(
        order=1,
        page=None,
        section="",
        title="关于印发某方案的通知",
        doc_number=None,
        issuer="",
        addressees="",
        signed_on=None,
        blocks=[classify_block("1. 强化招商引资。（牵头单位：市招商和投资促进局）")],
        attachments=[
            ParsedAttachment("附件1", "责任清单", tables=[parse_table(LIST, "责任清单")]),
            ParsedAttachment("附件2", "重点任务分工", tables=[tasks_table]),
        ],
    )
    _read_lists_and_tasks(notice)
    assert len(notice.list_sections) == 3 and len(notice.projects) == 3
    assert [(t.attachment, t.section_order, t.number, t.order) for t in notice.tasks[-2:]] == [
        ("附件2", 3, 1, 4),
        ("附件2", 3, 2, 5),
    ]
    assert notice.list_sections[2].title == "数据共享"
    assert {t.source for t in notice.tasks} == {"list"}
    keys = [(t.section_order, t.number) for t in notice.tasks]
    assert len(keys) == len(set(keys))  # what the loader finds tasks by


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
