"""Data for the site-wide tests: a published issue with markup in every text field staff fill."""

from decimal import Decimal

from documents.models import Citation
from documents.tests.factories import (
    index_for_search,
    make_attachment,
    make_citation,
    make_group,
    make_issue,
    make_membership,
    make_notice,
    make_project,
    make_responsibility,
    make_table,
    make_task,
    make_unit,
)
from projects.models import Role

SCRIPT = '<script>alert("xss")</script>'
IMG = "<img src=x onerror=alert(1)>"
EVIL = f"{SCRIPT}{IMG}"

DOC_NUMBER = "咸政办发〔2022〕29号"


def make_hostile_site() -> dict:
    """One published issue with markup in every text field staff can fill; returns its ids."""
    unit = make_unit(full_name=f"咸宁市恶意局{EVIL}", short_name=f"市恶意局{IMG}")
    issue = make_issue(
        year=2022, number=5, total_number=70, published=True, address=EVIL, permit_number=EVIL
    )
    notice = make_notice(
        issue=issue,
        title=f"关于印发{EVIL}的通知",
        doc_number=DOC_NUMBER,
        body=f"第一段{EVIL}\n一、{IMG}标题\n（一）{SCRIPT}",
        addressees=EVIL,
        issuer=f"咸宁市人民政府{IMG}",
        validity_note=EVIL,
        section=f"市政府文件{EVIL}",
    )
    attachment = make_attachment(notice=notice, title=f"附件{EVIL}", body=f"附件正文{EVIL}")
    table = make_table(
        notice=notice,
        attachment=attachment,
        title=f"表{EVIL}",
        header=[SCRIPT, "项目名称", IMG],
        rows=[[f"<p>{IMG}</p>", SCRIPT, "1.5"], [EVIL]],
    )
    make_citation(notice=notice, kind=Citation.Kind.CITES, cited_title=f"《{EVIL}》")
    group = make_group(notice=notice, name=f"领导小组{EVIL}", office=EVIL, duties=EVIL)
    make_membership(group=group, person_name=f"杨{IMG}", position=EVIL, unit=unit)
    project = make_project(
        notice=notice,
        name=f"项目{EVIL}",
        content=EVIL,
        location=IMG,
        section=f"一、{EVIL}",
        investment_yi=Decimal("12.5"),
    )
    make_responsibility(project=project, unit=unit, role=Role.LEAD)
    task = make_task(notice=notice, content=f"任务{EVIL}", section=f"二、{EVIL}")
    make_responsibility(task=task, unit=unit, role=Role.RESPONSIBLE)
    index_for_search(notice)
    return {
        "year": issue.year,
        "number": issue.number,
        "notice": notice.pk,
        "unit": unit.pk,
        "table": table.order,
        "doc_number": DOC_NUMBER,
    }
