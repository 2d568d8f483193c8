"""Every admin URL × every role × GET and POST, on a published and a draft object.

The cases are generated from the admin's own URL patterns (``admin.site.get_urls()`` and each
registered model admin's ``get_urls()``), so a new admin view is covered without anyone adding
it here. A POST sends what the page itself offers (its form as a superuser sees it, files
included; on a list, each of its actions on the object), as the security probe did. After each
request, in a savepoint rolled back before the next:

- nothing answers 5xx; an anonymous visitor is sent to the log-in page;
- staff without permissions change nothing and read no draft;
- an 编辑 changes nothing citizens see (published issues and everything in them, the units
  their pages name, and the audit history of all of that);
- nobody changes an account or a permission (only a superuser administers accounts);
- the search index is what a fresh indexing of every notice would write.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import cast

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.db.models import Model, Q
from django.urls import URLPattern
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils import timezone

from documents.models import (
    Attachment,
    Citation,
    Correction,
    Issue,
    LeadingGroup,
    Membership,
    Notice,
    PublicationStatus,
    RemovedNotice,
    Revision,
    SearchEntry,
    Table,
    Unit,
    UnitAlias,
)
from documents.search import index_notices
from documents.tests.factories import (
    EDITOR,
    PUBLISHER,
    make_attachment,
    make_citation,
    make_group,
    make_issue,
    make_membership,
    make_notice,
    make_project,
    make_responsibility,
    make_staff_user,
    make_table,
    make_task,
    make_unit,
)
from projects.models import Project, Responsibility, Task

ROLES = ("anonymous", "nobody", "editor", "publisher")
DRAFT_MARK = "草稿机密"
PUBLISHED = PublicationStatus.PUBLISHED
LOG_IN_AND_OUT = ("/admin/login/", "/admin/logout/")
# A revision's text: another issue's (2023年第1号), so publishing it is refused with a message.
MINIMAL_ISSUE_TEXT = (
    Path(__file__).resolve().parents[2] / "documents/tests/importer/fixtures/minimal-issue.txt"
).read_text(encoding="utf-8")
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


# --- The cases: every pattern the admin serves ----------------------------------------------------


@dataclass(frozen=True)
class Case:
    prefix: str  # "/admin/documents/notice/"
    pattern: URLPattern
    model: type[Model] | None

    @property
    def id(self) -> str:
        label = self.model._meta.label if self.model else "site"
        return f"{label}:{self.pattern.name or self.pattern.pattern}"

    @property
    def parameters(self) -> list[str]:
        """The pattern's parameters, named or (a regex's unnamed groups) positional."""
        pattern = self.pattern.pattern
        if isinstance(pattern, RoutePattern):
            return list(pattern.converters)
        regex = pattern.regex
        names = list(regex.groupindex)
        return names or [f"#{n}" for n in range(regex.groups)]

    @property
    def has_object(self) -> bool:
        return any(p in ("object_id", "#0", "pk", "id", "year") for p in self.parameters)


def admin_cases() -> list[Case]:
    cases = [
        Case("/admin/", pattern, None)
        for pattern in admin.site.get_urls()
        if isinstance(pattern, URLPattern)
    ]
    for model, model_admin in admin.site._registry.items():
        prefix = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        cases.extend(Case(prefix, pattern, model) for pattern in model_admin.get_urls())
    return cases


CASES = admin_cases()


def url_of(case: Case, obj) -> str:
    """The URL of `case` for `obj` (None: the case has no object)."""
    values = _values(case, obj)
    pattern = case.pattern.pattern
    if isinstance(pattern, RoutePattern):
        route = str(pattern)
        for name in pattern.converters:
            route = re.sub(rf"<(?:\w+:)?{name}>", str(values[name]), route)
        return case.prefix + route
    text = str(pattern).lstrip("^").rstrip("$")
    parameters = iter(case.parameters)
    text = re.sub(r"\((?:\?P<\w+>)?[^)]*\)[*+]?", lambda _m: str(values[next(parameters)]), text)
    return case.prefix + text.replace("\\", "")


def _values(case: Case, obj) -> dict:
    pk = getattr(obj, "pk", 1)
    history = getattr(obj, "history", None)
    version = history.order_by("history_id").first().history_id if history is not None else 1
    issue = obj if isinstance(obj, Issue) else None
    return {
        "object_id": pk,
        "id": pk,
        "pk": pk,
        "#0": pk,
        "#1": version,
        "year": issue.year if issue else 2022,
        "number": issue.number if issue else 1,
        "content_type_id": ContentType.objects.get_for_model(Notice).pk,
        "app_label": "documents",
        "url": "no/such/page/",
    }


# --- The site: a published and a draft side of every kind of object ------------------------------


@dataclass
class Side:
    issue: Issue
    notice: Notice
    unit: Unit
    objects: dict


def build_side(*, published: bool) -> Side:
    mark = "" if published else DRAFT_MARK
    issue = make_issue(published=published, year=2022, number=5 if published else 6)
    notice = make_notice(issue=issue, title=f"{mark}关于印发示范方案的通知", body=f"{mark}正文。")
    unit = make_unit(
        full_name=f"咸宁市{mark}示范局", short_name=f"市{mark}示范局", aliases=[f"{mark}示范局别名"]
    )
    attachment = make_attachment(notice=notice, title=f"{mark}附件标题")
    table = make_table(notice=notice, attachment=attachment, title=f"{mark}表格")
    citation = make_citation(notice=notice, cited_title=f"{mark}引用文件")
    group = make_group(notice=notice, name=f"咸宁市{mark}示范工作领导小组")
    make_membership(group=group, person_name=f"{mark}王明", unit=unit)
    project = make_project(notice=notice, attachment=attachment, name=f"{mark}示范项目")
    task = make_task(notice=notice, attachment=attachment, content=f"{mark}示范任务")
    make_responsibility(project=project, unit=unit)
    make_responsibility(task=task, unit=unit)
    index_notices([notice.pk])
    objects = {
        Issue: issue,
        Notice: notice,
        Unit: unit,
        Attachment: attachment,
        Table: table,
        Citation: citation,
        LeadingGroup: group,
        Project: project,
        Task: task,
    }
    return Side(issue=issue, notice=notice, unit=unit, objects=objects)


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """The two sides, users and other objects, built once for the module (about 0.3 s each
    time) as Django's TestCase.setUpTestData does: inside a transaction open for the module and
    rolled back after it, each test's own transaction a savepoint within it (and every request
    of a test is rolled back besides)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_site()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def build_site() -> dict:
    published, draft = build_side(published=True), build_side(published=False)
    users = {
        "nobody": make_staff_user(username="nobody"),
        "editor": make_staff_user(username="editor", groups=[EDITOR]),
        "publisher": make_staff_user(username="publisher", groups=[PUBLISHER]),
    }
    superuser = User.objects.create_superuser("root", password="root-password-42")
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        extra = {"get_data": "", "post_data": "", "failures_since_start": 1}
        model.objects.create(
            user_agent="test",
            ip_address="203.0.113.7",
            username="someone",
            http_accept="*/*",
            path_info="/admin/login/",
            **(extra if model is AccessAttempt else {}),
        )
    now = timezone.now()
    revision = Revision.objects.create(issue=published.issue, source=MINIMAL_ISSUE_TEXT)
    correction = Correction.objects.create(
        notice=published.notice, published_at=now, description="标题更正"
    )
    removed = RemovedNotice.objects.create(
        notice_id=published.notice.pk + 1000,
        issue=published.issue,
        title="撤下的文件",
        removed_at=now,
    )
    others = {
        Revision: revision,
        Correction: correction,
        RemovedNotice: removed,
        User: users["publisher"],
        Group: Group.objects.get(name=PUBLISHER),
        AccessAttempt: AccessAttempt.objects.get(),
        AccessFailureLog: AccessFailureLog.objects.get(),
        AccessLog: AccessLog.objects.get(),
    }
    return {
        "published": published,
        "draft": draft,
        "users": users,
        "root": superuser,
        "others": others,
    }


def objects_for(case: Case, site) -> list[tuple[str, object]]:
    if not case.has_object:
        return [("none", None)]
    if case.model is None:  # view_on_site
        return [(side, site[side].notice) for side in ("published", "draft")]
    if case.model in site["others"]:
        return [("other", site["others"][case.model])]
    return [(side, site[side].objects[case.model]) for side in ("published", "draft")]


# --- What a page offers to POST -----------------------------------------------------------------


class _Forms(HTMLParser):
    """The forms of a page: their action and the values a browser would submit."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(
                {"action": attrs.get("action") or "", "data": {}, "files": [], "actions": []}
            )
            return
        if not self.forms:
            return
        form = self.forms[-1]
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind == "file":
                form["files"].append(name)
            elif kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    form["data"].setdefault(name, []).append(attrs.get("value", "on"))
            elif kind == "submit":
                form["data"].setdefault(name, [attrs.get("value", "")])
            else:
                form["data"].setdefault(name, []).append(attrs.get("value", ""))
        elif tag == "select" and name:
            self._select = name
            form["data"].setdefault(name, [])
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._select == "action" and value:
                form["actions"].append(value)
            if "selected" in attrs:
                form["data"][self._select].append(value)
        elif tag == "textarea" and name:
            self._textarea = name
            form["data"][name] = [""]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1]["data"][self._textarea][0] += data


def offered_posts(client, url: str, obj) -> list[dict]:
    """The POST bodies the page at `url` offers (as a superuser sees it)."""
    response = client.get(url)
    posts: list[dict] = [{}]
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return posts
    parser = _Forms()
    parser.feed(response.content.decode())
    own = [form for form in parser.forms if form["action"] in ("", url)]
    for form in own:
        data = {name: values for name, values in form["data"].items() if values}
        for name in form["files"]:
            data[name] = FILE
        posts.append(data)
        for action in form["actions"]:
            chosen = {"action": action, "_selected_action": [str(obj.pk)]} if obj else {}
            posts.append({**chosen, "index": "0", "select_across": "0"})
            posts.append({**chosen, "post": "yes"})  # the delete action's confirmation
    return posts


FILE = object()  # a file input: a fresh upload of PDF for each request (an upload is read once)


def _with_files(data: dict | None) -> dict | None:
    if data is None:
        return None
    return {
        name: SimpleUploadedFile("upload.pdf", PDF, content_type="application/pdf")
        if value is FILE
        else value
        for name, value in data.items()
    }


# --- What must not change -----------------------------------------------------------------------


# Fields a log-in writes (force_login between the roles): not a change made through the admin.
SET_BY_LOGGING_IN = {User: {"last_login"}}


def _digest_statement(parts: dict) -> tuple[str, list]:
    """One statement: for each named queryset, a hash of all its rows (every concrete field but
    those a log-in sets)."""
    selects, params = [], []
    for queryset in parts.values():
        skipped = SET_BY_LOGGING_IN.get(queryset.model, set())
        fields = [
            f.attname for f in queryset.model._meta.concrete_fields if f.attname not in skipped
        ]
        sql, sql_params = queryset.order_by().values_list(*fields).query.sql_with_params()
        selects.append(f"(SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) FROM ({sql}) t)")
        params.extend(sql_params)
    return "SELECT " + ", ".join(selects), params


def _with_history(parts: dict) -> dict:
    """`parts` and the audit history of each: a save that changes nothing still leaves a history
    row, and that too is a change made past the workflow."""
    histories = {}
    for name, queryset in parts.items():
        history = getattr(queryset.model, "history", None)
        if history is not None:
            lookup = f"{queryset.model._meta.pk.attname}__in"
            histories[f"{name}-history"] = history.filter(**{lookup: queryset.values("pk")})
    return {**parts, **histories}


def published_content() -> dict:
    """What citizens see: published issues, everything in them, the units their pages name."""
    units = Unit.objects.public()
    in_published = Q(notice__issue__status=PUBLISHED)
    return _with_history(
        {
            "issue": Issue.objects.filter(status=PUBLISHED),
            "notice": Notice.objects.filter(issue__status=PUBLISHED),
            "attachment": Attachment.objects.filter(in_published),
            "table": Table.objects.filter(in_published),
            "citation": Citation.objects.filter(in_published),
            "leadinggroup": LeadingGroup.objects.filter(in_published),
            "membership": Membership.objects.filter(group__notice__issue__status=PUBLISHED),
            "project": Project.objects.filter(in_published),
            "task": Task.objects.filter(in_published),
            "responsibility": Responsibility.objects.filter(
                Q(project__notice__issue__status=PUBLISHED)
                | Q(task__notice__issue__status=PUBLISHED)
            ),
            "unit": units,
            "unitalias": UnitAlias.objects.filter(unit__in=units),
            "correction": Correction.objects.filter(in_published),
            "removednotice": RemovedNotice.objects.all(),
        }
    )


CONTENT_MODELS: list[type[Model]] = [
    Issue,
    Notice,
    Attachment,
    Table,
    Citation,
    LeadingGroup,
    Membership,
    Project,
    Task,
    Responsibility,
    Unit,
    UnitAlias,
]


def all_content() -> dict:
    return _with_history({m._meta.model_name: m._default_manager.all() for m in CONTENT_MODELS})


def accounts() -> dict:
    return {
        "users": User.objects.only("username", "password", "is_staff", "is_superuser"),
        "user-groups": User.groups.through.objects.all(),
        "user-permissions": User.user_permissions.through.objects.all(),
        "groups": Group.objects.all(),
        "group-permissions": Group.permissions.through.objects.all(),
    }


@functools.cache
def _fingerprint_statement() -> tuple[str, tuple[str, ...], tuple]:
    parts = {
        **{f"p:{name}": qs for name, qs in published_content().items()},
        **{f"a:{name}": qs for name, qs in all_content().items()},
        **{f"u:{name}": qs for name, qs in accounts().items()},
    }
    sql, params = _digest_statement(parts)
    return sql, tuple(parts), tuple(params)


def fingerprint() -> tuple[dict, dict, dict]:
    """(published content, all content, accounts), each a hash per table, in one statement
    (prepared on the server: the matrix runs it after every request)."""
    sql, names, params = _fingerprint_statement()
    with connection.cursor() as cursor:
        cursor.cursor.execute(sql, params, prepare=True)
        digests = dict(zip(names, cursor.fetchone(), strict=True))
    return cast(
        tuple[dict, dict, dict],
        tuple(
            {name[2:]: value for name, value in digests.items() if name.startswith(prefix)}
            for prefix in ("p:", "a:", "u:")
        ),
    )


@functools.cache
def _watched_tables() -> list[str]:
    parts = {**published_content(), **all_content(), **accounts()}
    return sorted({queryset.model._meta.db_table for queryset in parts.values()})


def writes() -> int:
    """Rows this transaction has inserted, updated or deleted so far in the tables `fingerprint`
    reads (PostgreSQL's statistics of the current transaction; rolling a savepoint back does not
    take its writes out of them). A request that wrote none of them changed nothing there, and
    needs no fingerprint; one that wrote any is fingerprinted in full."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)"
            " FROM pg_stat_xact_user_tables WHERE relname = ANY(%s)",
            [_watched_tables()],
        )
        return cursor.fetchone()[0]


def index_is_current() -> bool:
    fields = [f.attname for f in SearchEntry._meta.concrete_fields if f.name != "indexed_at"]
    before = sorted(SearchEntry.objects.values_list(*fields))
    with transaction.atomic():
        index_notices(list(Notice.objects.values_list("pk", flat=True)))
        after = sorted(SearchEntry.objects.values_list(*fields))
        transaction.set_rollback(True)
    return before == after


# --- The matrix ---------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
@pytest.mark.django_db
def test_every_admin_url_keeps_the_workflow_for_every_role(case, site, client):
    failures: list[str] = []
    before = fingerprint()  # every request below is rolled back to this
    for side, obj in objects_for(case, site):
        url = url_of(case, obj)
        client.force_login(site["root"])
        posts = offered_posts(client, url, obj)
        for role in ROLES:
            client.logout()
            if role != "anonymous":
                client.force_login(site["users"][role])
            requests = [("GET", None)] + [("POST", data) for data in posts]
            for method, data in requests:
                where = f"{role} {method} {url} ({side}) {sorted(data or {})[:6]}"
                failures.extend(
                    f"{where}: {problem}"
                    for problem in _check(client, role, method, url, data, before)
                )
    assert not failures, "\n".join(failures[:20])


def _check(client, role, method, url, data, before) -> list[str]:
    problems = []
    written = writes()
    with transaction.atomic():
        response = client.get(url) if method == "GET" else client.post(url, _with_files(data))
        after = before if writes() == written else fingerprint()
        # Unchanged content leaves the index as it was (current: the fixture indexed it).
        index_current = after[1] == before[1] or index_is_current()
        transaction.set_rollback(True)
    status = response.status_code
    if status >= 500:
        problems.append(f"answered {status}")
    to_login = status == 302 and response["Location"].startswith("/admin/login/")
    if role == "anonymous" and not to_login and not url.startswith(LOG_IN_AND_OUT):
        problems.append(f"anonymous got {status}, not the log-in page")
    if role in ("anonymous", "nobody"):
        body = b"" if getattr(response, "streaming", False) else response.content
        if DRAFT_MARK.encode() in body:
            problems.append("showed a draft")
        if after[1] != before[1]:
            problems.append(f"changed content {_changed(before[1], after[1])}")
    if role == "editor" and after[0] != before[0]:
        problems.append(f"changed published content {_changed(before[0], after[0])}")
    if after[2] != before[2]:
        problems.append(f"changed accounts {_changed(before[2], after[2])}")
    if not index_current:
        problems.append("left the search index out of date")
    return problems


def _changed(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after.get(name)]


def test_the_matrix_covers_every_admin_url_pattern():
    """The generated cases are the admin's patterns, every one of them, models included."""
    site_patterns = [p for p in admin.site.get_urls() if isinstance(p, URLPattern)]
    model_patterns = sum(len(ma.get_urls()) for ma in admin.site._registry.values())
    assert len(CASES) == len(site_patterns) + model_patterns
    assert {
        "documents.Issue:documents_issue_import",
        "documents.Notice:documents_notice_preview",
        "documents.Issue:documents_issue_simple_history",
    } <= {case.id for case in CASES}
    assert all(isinstance(c.pattern.pattern, (RoutePattern, RegexPattern)) for c in CASES)
