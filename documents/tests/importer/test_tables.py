"""Stage 9: tab-separated lines → tables."""

from documents.importer import parse_table

HEADER = "序号\t事项/项目名称\t事项主要内容/项目建设内容\t完成时限\t责任单位\t配合单位"


def test_a_table_over_two_pages_is_one_table_without_the_repeated_header():
    table = parse_table(
        [
            HEADER,
            "1\t甲项目\t总投资额：6 亿元。\t2025 年\t咸安区人民政府\t",
            HEADER,
            "2\t乙项目\t总投资额：5.2亿元。\t2023年\t嘉鱼县人民政府\t",
        ],
        "清单",
    )
    assert table.title == "清单"
    assert table.header == [
        "序号",
        "事项/项目名称",
        "事项主要内容/项目建设内容",
        "完成时限",
        "责任单位",
        "配合单位",
    ]
    assert [row[:2] for row in table.rows] == [["1", "甲项目"], ["2", "乙项目"]]


def test_a_page_whose_header_has_another_column_order_is_mapped_by_name():
    table = parse_table(
        [
            HEADER,
            "1\t甲事项\t\t2022年\t市发改委\t市财政局",
            "序号\t事项/项目名称\t事项主要内容/项目建设内容\t责任单位\t完成时限\t配合单位",
            "2\t乙事项\t\t市林业局\t持续推进\t市直各金融机构",
        ]
    )
    assert table.rows[1] == ["2", "乙事项", "", "持续推进", "市林业局", "市直各金融机构"]
    assert table.source_rows[1] == ["2", "乙事项", "", "市林业局", "持续推进", "市直各金融机构"]


def test_empty_merged_columns_are_squeezed_out():
    table = parse_table(
        [
            HEADER,
            "序号\t事项/项目名称\t事项主要内容/项目建设内容\t\t\t完成时限\t责任单位\t配合单位",
            "7\t丙项目\t总投资额：30亿元。\t\t\t2024年\t赤壁市人民政府\t",
            "1\t丁事项\t\t持续推进\t市科技局\t\t市发改委、市教育局\t",
        ]
    )
    assert table.rows == [
        ["7", "丙项目", "总投资额：30亿元。", "2024年", "赤壁市人民政府", ""],
        ["1", "丁事项", "", "持续推进", "市科技局", "市发改委、市教育局"],
    ]


def test_html_cells_become_text_with_one_line_per_paragraph():
    table = parse_table(
        [
            "序号\t领域\t重点项目",
            "1\t交通物流\t<p>(一) 提前启动。九宫山旅游高速公路。</p> "
            "<p>(二) 加快审批。咸宁长江综合门户港。</p>",
            '1\t申请\t<p>承诺。</p> <p style="text-align: right;">签字(盖章):</p> '
            '<input type="radio"/> 新建',
        ]
    )
    assert (
        table.rows[0][2] == "(一)提前启动。九宫山旅游高速公路。\n(二)加快审批。咸宁长江综合门户港。"
    )
    assert table.rows[1][2] == "承诺。\n签字(盖章):\n○新建"


def test_a_numbered_row_split_over_a_page_break_is_merged():
    table = parse_table(
        [
            HEADER,
            "3\t赤壁市整县屋顶分布式光伏开发项目\t总投资额：10亿元。建设内容：新建装机容量15.4万KW，\t\t\t",
            HEADER,
            "\t\t分布屋顶安装光伏发电。\t2023年\t赤壁市人民政府\t",
        ]
    )
    assert table.rows == [
        [
            "3",
            "赤壁市整县屋顶分布式光伏开发项目",
            "总投资额：10亿元。建设内容：新建装机容量15.4万KW，分布屋顶安装光伏发电。",
            "2023年",
            "赤壁市人民政府",
            "",
        ]
    ]


def test_a_line_without_tab_continues_the_row_above():
    table = parse_table(["序号\t名称\t内容", "1\t甲\t第一行", "接着写完。", "2\t乙\t丙"])
    assert table.rows == [["1", "甲", "第一行接着写完。"], ["2", "乙", "丙"]]


def test_rows_under_a_leading_empty_cell_stay_rows_when_the_table_has_no_serial_column():
    table = parse_table(
        ["供稿单位\t撰稿内容", "市委办公室\t市委工作报告", "\t市委重要会议", "供稿单位\t撰稿内容"]
    )
    assert table.rows == [["市委办公室", "市委工作报告"], ["", "市委重要会议"]]


def test_a_form_without_header_keeps_every_row():
    table = parse_table(["项目名称\t\t\t\t", "项目位置\t\t不动产权证书号 (其他权属证明)\t\t"])
    assert table.header == []
    assert table.rows == [["项目名称", "", ""], ["项目位置", "", "不动产权证书号(其他权属证明)"]]


def test_a_space_between_two_chinese_words_of_a_cell_stays():
    table = parse_table(
        [
            "序号\t卡种\t说明",
            "1\t实体卡 电子卡\t线上　 线下均可办理，支持 NFC 读卡",
            "2\t<p>市民卡 老年卡</p><p>学生卡</p>\t2023 年起 发放",
        ]
    )
    assert table.rows == [
        ["1", "实体卡 电子卡", "线上 线下均可办理，支持NFC读卡"],
        ["2", "市民卡 老年卡\n学生卡", "2023年起 发放"],
    ]


def test_letter_spacing_and_spaces_next_to_punctuation_go():
    table = parse_table(["序 号\t姓 名\t职 务\t单位", "1\t林 青\t组 长\t市数据局、 市财政局"])
    assert table.header == ["序号", "姓名", "职务", "单位"]
    assert table.rows == [["1", "林青", "组长", "市数据局、市财政局"]]
