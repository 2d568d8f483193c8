"""A unit's page is complete: a unit only a leading-group seat names (by its holder's post) is
in the directory with that seat, and tasks read from a catalogue table show their deadlines."""

import re
from pathlib import Path

import pytest

from documents.models import Unit
from documents.services import issue_import
from projects.models import Task

pytestmark = pytest.mark.django_db

MINIMAL = Path(__file__).resolve().parent / "importer/fixtures/minimal-issue.txt"

# The minimal issue's plan with a group whose member holds a post in a unit (a seeded one) that
# nothing else in the issue names, and a second attachment: a catalogue with 牵头单位, 责任单位
# and 完成时间 columns.
GROUP = (
    "二、组织保障\n\n成立咸宁市重点项目建设工作领导小组，组成人员如下：\n\n"
    "组 长：\t杨 军\t市长\n\n成 员：\t邱 鹰\t市医保局副局长\n\n"
    "附件：1.咸宁市重点项目清单\n2.咸宁市数字应用目录\n"
)
CATALOGUE = (
    "\n附件2\n\n咸宁市数字应用目录\n\n"
    "序号\t应用项目\t建设内容\t牵头单位\t责任单位\t完成时间\n"
    "1\t智慧停车应用\t建设城区智慧停车平台\t市政数局\t市财政局\t2024年底前\n"
)


@pytest.fixture
def issue():
    text = MINIMAL.read_text(encoding="utf-8")
    text = text.replace("附件：咸宁市重点项目清单\n", GROUP, 1)
    # Before the appointments notice itself, not its line in the table of contents.
    appointments = "\n咸宁市人民政府关于张某某等同志职务任免的通知\n\n各县"
    text = text.replace(appointments, CATALOGUE + appointments, 1)
    return issue_import(data=text.encode(), publish=True).issue


def row(body: str, element_id: str) -> str:
    found = re.search(rf'<tr id="{element_id}"[^>]*>(.*?)</tr>', body, re.S)
    assert found, f"no row {element_id}"
    return found.group(1)


def test_a_unit_only_a_seats_post_names_is_in_the_directory_with_its_seat(client, issue):
    unit = Unit.objects.get(short_name="市医保局")
    assert not unit.responsibilities.exists()  # no project, no task: only the seat
    directory = client.get("/units/").content.decode()
    link = f'<a href="{unit.get_absolute_url()}">咸宁市医疗保障局</a>'
    line = re.search(rf"{link}.*?</tr>", directory)
    assert line, "the unit is not in the directory"
    assert re.findall(r'<td class="num"[^>]*>(\d+)</td>', line.group(0)) == ["0", "0", "1"]
    page = client.get(unit.get_absolute_url()).content.decode()
    assert "参加的领导小组（1 个席位）" in page
    assert "咸宁市重点项目建设工作领导小组" in page and "邱鹰</a> 市医保局副局长" in page


def test_a_catalogue_tables_task_shows_its_deadline_on_the_task_list_and_its_units_page(
    client, issue
):
    task = Task.objects.get(content="智慧停车应用")
    assert (task.deadline_text, task.deadline_year) == ("2024年底前", 2024)
    for path in ("/tasks/", Unit.objects.get(short_name="市政数局").get_absolute_url()):
        body = client.get(path).content.decode()
        assert "完成时限</th>" in body, path
        assert "2024年底前" in row(body, f"task-{task.pk}"), path
    by_year = client.get("/tasks/", {"deadline_year": "2024"}).content.decode()
    assert "2024年底前" in row(by_year, f"task-{task.pk}")
