"""Issue 3, done when: an 编辑 enters a whole issue in the admin and cannot publish it; a
审核发布 user publishes it and the public sees it; withdrawing hides it again; every admin
change is in the objects' history with who made it.

Everything goes through the real admin forms (with their inline management forms) posted by
Django's test client, as a browser would post them.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from documents.models import (
    Attachment,
    Issue,
    LeadingGroup,
    Membership,
    Notice,
    PublicationStatus,
    Table,
    Unit,
)
from documents.services import issue_publish, issue_unpublish
from documents.tests.factories import (
    EDITOR,
    PUBLISHER,
    NoticeFactory,
    add_inline_rows,
    admin_form_data,
    form_errors,
    make_issue,
    make_notice,
    make_staff_user,
)
from projects.models import Project, Responsibility, Role

pytestmark = pytest.mark.django_db

FOUND = 'data-doc-number="咸政办发〔2022〕29号"'  # the first notice, in a list or result


def submit(client, url: str, **changes) -> None:
    """Open the admin form at `url`, change what `changes` says and save; assert it saved."""
    data = admin_form_data(client.get(url), **changes.pop("fields", {}))
    for prefix, rows in changes.items():
        add_inline_rows(data, prefix, *rows)
    response = client.post(url, data)
    assert response.status_code == 302, form_errors(response)


def change_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def run_action(client, action: str, issue: Issue, **extra):
    return client.post(
        reverse("admin:documents_issue_changelist"),
        {"action": action, "_selected_action": [issue.pk], "index": 0, **extra},
    )


def offered_actions(client) -> set[str]:
    response = client.get(reverse("admin:documents_issue_changelist"))
    return {name for name, _label in response.context["action_form"].fields["action"].choices}


@pytest.fixture
def editor():
    return make_staff_user(groups=[EDITOR], username="bianji")


@pytest.fixture
def publisher():
    return make_staff_user(groups=[PUBLISHER], username="shenhe")


def enter_issue(client) -> Issue:
    """What an editor types for one issue: the issue with two notices, then their content."""
    submit(
        client,
        reverse("admin:documents_issue_add"),
        fields={
            "year": 2022,
            "number": 5,
            "total_number": 70,
            "published_on": "2022-11-16",
            "phone": "0715-8126116",
        },
        notices=[
            {
                "order": 1,
                "page": 1,
                "section": "市政府及市政府办公室文件",
                "title": "咸宁市人民政府办公室关于印发咸宁市扩大有效投资实施方案的通知",
                "doc_number": "咸政办发[2022]29号",
                "issuer": "咸宁市人民政府办公室",
                "signed_on": "2022-10-08",
            },
            {
                "order": 2,
                "page": 9,
                "section": "市政府及市政府办公室文件",
                "title": "咸宁市人民政府关于成立咸宁市重大项目建设指挥部的通知",
                "doc_number": "咸政发（2022）11号",
                "issuer": "咸宁市人民政府",
                "signed_on": "2022-10-20",
            },
        ],
    )
    issue = Issue.objects.get(year=2022, number=5)
    plan = issue.notices.get(order=1)

    # The first notice: its body, an attachment, the project list and a leading group.
    submit(
        client,
        change_url(plan),
        fields={"body": "各县、市、区人民政府，市政府各部门：\n一、总体要求\n扩大有效投资。"},
        attachments=[{"order": 1, "label": "附件1", "title": "重大项目清单", "body": "说明"}],
        projects=[
            {
                "section_order": 1,
                "section": "一、产业项目",
                "number": 1,
                "name": "咸宁高新区电子信息产业园",
                "investment_yi": "35.5",
                "deadline_text": "2024年",
                "location": "咸宁高新区",
            },
            {
                "section_order": 2,
                "section": "二、基础设施项目",
                "number": 1,
                "name": "咸安区城市更新项目",
                "investment_yi": "12.25",
                "deadline_text": "持续推进",
                "location": "咸安区",
            },
        ],
        leading_groups=[{"order": 1, "name": "咸宁市扩大有效投资工作专班"}],
    )
    attachment = Attachment.objects.get(notice=plan, label="附件1")
    # A table goes into the attachment once the attachment exists.
    submit(
        client,
        change_url(plan),
        tables=[
            {
                "order": 1,
                "attachment": attachment.pk,
                "title": "2022年重大项目表",
                "header": '["序号", "项目名称", "总投资（亿元）"]',
                "rows": '[["1", "咸宁高新区电子信息产业园", "35.5"], ["2", "咸安区城市更新项目"]]',
            }
        ],
    )
    # The units responsible for a project, picked from the seeded units.
    park = Project.objects.get(name="咸宁高新区电子信息产业园")
    data_fields = {
        "responsibilities-0-unit": Unit.objects.named("市发改局").get().pk,
        "responsibilities-0-role": Role.LEAD,
    }
    submit(
        client,
        change_url(park),
        fields=data_fields,
        responsibilities=[
            {"unit": Unit.objects.named("咸宁高新区").get().pk, "role": Role.RESPONSIBLE}
        ],
    )
    # The group's members, the leader typeset with a padding space.
    group = LeadingGroup.objects.get(notice=plan)
    submit(
        client,
        change_url(group),
        memberships=[
            {"order": 1, "role": "leader", "person_name": "杨 军", "position": "市人民政府副市长"},
            {"order": 2, "role": "member", "unit": Unit.objects.named("市财政局").get().pk},
        ],
    )
    return issue


def test_an_editor_enters_an_issue_a_publisher_publishes_it_and_can_withdraw_it(
    client, editor, publisher
):
    client.force_login(editor)
    issue = enter_issue(client)

    # What was typed is stored as the data model says.
    plan, decision = issue.notices.order_by("order")
    assert plan.doc_number == "咸政办发〔2022〕29号"
    assert decision.doc_number == "咸政发〔2022〕11号"
    table = Table.objects.get(notice=plan)
    assert table.attachment is not None
    assert table.attachment.label == "附件1"
    park = Project.objects.get(name="咸宁高新区电子信息产业园")
    assert {(r.unit.short_name, r.role) for r in park.responsibilities.all()} == {
        ("市发改委", Role.LEAD),
        ("咸宁高新区管委会", Role.RESPONSIBLE),
    }
    leader = Membership.objects.get(group__notice=plan, role="leader")
    assert leader.person_name == "杨军"

    # Drafts: nothing of it is public, the staff preview shows it.
    assert client.get(plan.get_absolute_url()).status_code == 404
    assert FOUND not in client.get("/search/", {"q": "扩大有效投资"}).content.decode()
    preview = client.get(reverse("admin:documents_notice_preview", args=[plan.pk]))
    assert "咸宁高新区电子信息产业园" in preview.content.decode()

    # The editor is not offered the publish action, and posting it anyway changes nothing.
    assert "publish" not in offered_actions(client)
    assert "delete_selected" in offered_actions(client)
    run_action(client, "publish", issue)
    issue.refresh_from_db()
    assert issue.status == PublicationStatus.DRAFT
    with pytest.raises(PermissionDenied):
        issue_publish(issue=issue, user=editor)
    issue.refresh_from_db()
    assert issue.status == PublicationStatus.DRAFT
    assert client.get(plan.get_absolute_url()).status_code == 404

    # The publisher publishes it through the admin action.
    client.force_login(publisher)
    assert {"publish", "unpublish"} <= offered_actions(client)
    response = run_action(client, "publish", issue)
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.status == PublicationStatus.PUBLISHED
    assert issue.published_at is not None
    published = issue.history.first()
    assert (published.history_user, published.history_change_reason) == (publisher, "发布")

    # The public sees all of it.
    client.logout()
    page = client.get(plan.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    for text in [
        "咸宁市人民政府办公室关于印发咸宁市扩大有效投资实施方案的通知",
        "咸政办发〔2022〕29号",
        "附件1",
        "2022年重大项目表",
        "咸宁高新区电子信息产业园",
        "35.5",
        "咸宁市扩大有效投资工作专班",
        "杨军",
    ]:
        assert text in html, text
    issue_page = client.get(issue.get_absolute_url()).content.decode()
    assert plan.title in issue_page and decision.title in issue_page
    assert client.get("/d/咸政办发[2022]29号/")["Location"] == plan.get_absolute_url()
    assert FOUND in client.get("/search/", {"q": "扩大有效投资"}).content.decode()
    projects = client.get(reverse("projects:project_list")).content.decode()
    assert "咸安区城市更新项目" in projects
    assert "咸宁市扩大有效投资工作专班" in client.get("/groups/").content.decode()

    # Published content is read-only for the editor.
    client.force_login(editor)
    page = client.get(change_url(plan))
    assert page.status_code == 200
    assert 'name="title"' not in page.content.decode()
    data = admin_form_data(page)  # the read-only page has no form fields to post
    response = client.post(change_url(plan), {**data, "title": "改过的标题"})
    assert response.status_code == 403
    assert client.post(change_url(park), {"name": "改过的项目"}).status_code == 403
    plan.refresh_from_db()
    assert plan.title.startswith("咸宁市人民政府办公室关于印发")

    # Withdrawing hides everything again.
    client.force_login(publisher)
    asked = run_action(client, "unpublish", issue)  # first the reason is asked for
    assert asked.status_code == 200 and 'name="reason"' in asked.content.decode()
    issue.refresh_from_db()
    assert issue.status == PublicationStatus.PUBLISHED
    run_action(client, "unpublish", issue, reason="发现印刷错误，更正后重新发布")
    issue.refresh_from_db()
    assert issue.status == PublicationStatus.WITHDRAWN
    client.logout()
    gone = client.get(plan.get_absolute_url())
    assert gone.status_code == 410 and "发现印刷错误" in gone.content.decode()
    stub = client.get(issue.get_absolute_url())
    assert stub.status_code == 410 and "发现印刷错误" in stub.content.decode()
    assert "咸安区城市更新项目" not in client.get("/projects/").content.decode()
    assert FOUND not in client.get("/search/", {"q": "扩大有效投资"}).content.decode()


def test_every_admin_change_is_in_the_objects_history_with_its_author(client, editor):
    client.force_login(editor)
    issue = enter_issue(client)
    plan = issue.notices.get(order=1)
    created = [
        issue,
        plan,
        issue.notices.get(order=2),
        Attachment.objects.get(notice=plan),
        Table.objects.get(notice=plan),
        *Project.objects.filter(notice=plan),
        *Responsibility.objects.filter(project__notice=plan),
        LeadingGroup.objects.get(notice=plan),
        *Membership.objects.filter(group__notice=plan),
    ]
    for obj in created:
        record = obj.history.earliest()
        assert (record.history_type, record.history_user) == ("+", editor), obj

    # A change records the new value; the history page shows who made it.
    submit(client, change_url(plan), fields={"page": 2})
    latest = plan.history.latest()
    assert (latest.history_type, latest.history_user, latest.page) == ("~", editor, 2)
    delta = latest.diff_against(latest.prev_record)
    assert [change.field for change in delta.changes] == ["page"]
    page = client.get(reverse("admin:documents_notice_history", args=[plan.pk]))
    assert page.status_code == 200
    assert "bianji" in page.content.decode()
    assert page.content.decode().count("bianji") >= 2  # the creation and the change

    # A deletion too.
    project = Project.objects.get(name="咸安区城市更新项目")
    response = client.post(
        reverse("admin:projects_project_delete", args=[project.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    deleted = Project.history.filter(id=project.pk).latest()
    assert (deleted.history_type, deleted.history_user) == ("-", editor)


def test_only_the_publish_permission_publishes_through_the_service(editor, publisher):
    issue = make_notice().issue
    with pytest.raises(PermissionDenied):
        issue_publish(issue=issue, user=editor)
    issue_publish(issue=issue, user=publisher)
    with pytest.raises(PermissionDenied):
        issue_unpublish(issue=issue, user=editor)
    assert Issue.objects.get(pk=issue.pk).status == PublicationStatus.PUBLISHED
    issue_unpublish(issue=issue, user=publisher)
    assert Issue.objects.get(pk=issue.pk).status == PublicationStatus.WITHDRAWN


def test_publishing_again_keeps_the_first_publication_time(publisher):
    issue = issue_publish(issue=make_notice().issue, user=publisher)
    again = issue_publish(issue=issue, user=publisher)
    assert again.published_at == issue.published_at
    withdrawn = issue_unpublish(issue=issue, user=publisher, reason="发现错印")
    assert withdrawn.withdrawn_at is not None and withdrawn.withdrawn_reason == "发现错印"
    republished = issue_publish(issue=withdrawn, user=publisher)
    assert republished.published_at == issue.published_at
    assert republished.withdrawn_at is None and republished.withdrawn_reason == ""


def test_a_publisher_publishing_several_issues_at_once(client, publisher):
    client.force_login(publisher)
    first, second = make_notice().issue, make_issue()
    notice = make_notice(issue=second)
    response = client.post(
        reverse("admin:documents_issue_changelist"),
        {"action": "publish", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )
    assert "已发布 2 期。" in response.content.decode()
    client.logout()
    assert client.get(notice.get_absolute_url()).status_code == 200


@pytest.mark.page_cache
def test_withdrawing_hides_pages_the_cache_already_served(
    client, publisher, django_capture_on_commit_callbacks
):
    notice = make_notice(title="缓存中的测试通知")
    with django_capture_on_commit_callbacks(execute=True):
        issue_publish(issue=notice.issue, user=publisher)
    for _visit in range(2):  # the second visit is served from the cache
        assert "缓存中的测试通知" in client.get(notice.get_absolute_url()).content.decode()
        assert "缓存中的测试通知" in client.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        issue_unpublish(issue=notice.issue, user=publisher)
    assert client.get(notice.get_absolute_url()).status_code == 410
    assert "缓存中的测试通知" not in client.get("/").content.decode()


def test_a_notice_entered_later_resolves_earlier_citations(client, editor, publisher):
    client.force_login(editor)
    citing = make_notice(issue=make_issue())
    submit(
        client,
        change_url(citing),
        citations=[{"kind": "cites", "doc_number": "鄂政发(2022)17号", "cited_title": ""}],
    )
    assert citing.citations.get().doc_number == "鄂政发〔2022〕17号"
    issue_publish(issue=citing.issue, user=publisher)
    client.logout()
    assert "本站未收录" in client.get(citing.get_absolute_url()).content.decode()
    cited = NoticeFactory.create(published=True, doc_number="鄂政发〔2022〕17号")
    html = client.get(citing.get_absolute_url()).content.decode()
    assert f'href="{cited.get_absolute_url()}"' in html
    assert citing.title in client.get(cited.get_absolute_url()).content.decode()


def test_a_repealing_notice_marks_the_repealed_one_once_published(client, editor, publisher):
    old = NoticeFactory.create(published=True, doc_number="咸政办发〔2018〕3号")
    newer = make_notice(issue=make_issue())
    client.force_login(editor)
    submit(
        client,
        change_url(newer),
        citations=[{"kind": "repeals", "doc_number": "咸政办发[2018]3号"}],
    )
    client.logout()
    assert "已废止" not in client.get(old.get_absolute_url()).content.decode()
    issue_publish(issue=newer.issue, user=publisher)
    html = client.get(old.get_absolute_url()).content.decode()
    assert "已废止" in html
    assert newer.title in html
    assert Notice.objects.with_validity().get(pk=old.pk).current_validity == "repealed"
