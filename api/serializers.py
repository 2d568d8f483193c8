"""What each resource returns. Every published object carries `url`, its public page, and
lists carry `api_url`, the object in this API. Field help texts are the data dictionary."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from documents.models import (
    Attachment,
    Citation,
    Correction,
    Issue,
    LeadingGroup,
    Membership,
    Notice,
    Table,
    Unit,
)
from projects.models import Project, Responsibility, Task


@extend_schema_field(OpenApiTypes.URI)
class PageUrl(serializers.Field):
    """The object's public page, absolute."""

    def __init__(self, **kwargs):
        kwargs.update(source="*", read_only=True)
        kwargs.setdefault("help_text", "本站公开页面地址 / public page")
        super().__init__(**kwargs)

    def to_representation(self, value):
        return self.context["request"].build_absolute_uri(value.get_absolute_url())


@extend_schema_field(OpenApiTypes.URI)
class ApiUrl(serializers.Field):
    def __init__(self, view_name: str, **kwargs):
        self.view_name = view_name
        kwargs.update(source="*", read_only=True)
        kwargs.setdefault("help_text", "本接口中该对象的地址 / this object in the API")
        super().__init__(**kwargs)

    def to_representation(self, value):
        url = reverse(self.view_name, args=[value.pk])
        return self.context["request"].build_absolute_uri(url)


class IssueRefSerializer(serializers.ModelSerializer):
    url = PageUrl()

    class Meta:
        model = Issue
        fields = ["year", "number", "total_number", "published_on", "url"]


class NoticeSummarySerializer(serializers.ModelSerializer):
    """A notice in a list: its number, title, kind, dates, validity and where it is printed."""

    api_url = ApiUrl("api:notice-detail")
    url = PageUrl()
    issue = IssueRefSerializer(read_only=True)
    validity = serializers.SerializerMethodField(help_text="当前效力 / validity now")

    class Meta:
        model = Notice
        fields = [
            "id",
            "doc_number",
            "title",
            "kind",
            "normative",
            "issuer",
            "signed_on",
            "effective_on",
            "expires_on",
            "validity",
            "issue",
            "page",
            "url",
            "api_url",
        ]

    def get_validity(self, notice) -> str:
        return getattr(notice, "current_validity", notice.validity)


class IssueListSerializer(serializers.ModelSerializer):
    api_url = ApiUrl("api:issue-detail")
    url = PageUrl()
    notice_count = serializers.IntegerField(read_only=True, help_text="文件数 / notices")

    class Meta:
        model = Issue
        fields = [
            "id",
            "year",
            "number",
            "total_number",
            "published_on",
            "notice_count",
            "url",
            "api_url",
        ]


class TocEntrySerializer(serializers.ModelSerializer):
    api_url = ApiUrl("api:notice-detail")
    url = PageUrl()

    class Meta:
        model = Notice
        fields = ["id", "order", "section", "page", "title", "doc_number", "url", "api_url"]


class IssueSerializer(IssueListSerializer):
    """An issue with its masthead and table of contents (目录)."""

    contents = TocEntrySerializer(source="notices", many=True, read_only=True)

    class Meta(IssueListSerializer.Meta):
        fields = [
            *IssueListSerializer.Meta.fields,
            "sponsor",
            "publisher",
            "phone",
            "email",
            "address",
            "postcode",
            "permit_number",
            "contents",
        ]


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["label", "title", "body"]


class TableSerializer(serializers.ModelSerializer):
    attachment = serializers.CharField(
        source="attachment.label", default="", read_only=True, help_text="所在附件 / attachment"
    )
    csv_url = serializers.SerializerMethodField(help_text="CSV 下载 / CSV download")

    class Meta:
        model = Table
        fields = ["order", "title", "attachment", "header", "rows", "csv_url"]

    def get_csv_url(self, table) -> str:
        url = reverse("documents:notice_table_csv", args=[table.notice_id, table.order])
        return self.context["request"].build_absolute_uri(url)


class CitationSerializer(serializers.ModelSerializer):
    notice = serializers.SerializerMethodField(
        help_text="本站收录的被引文件（未收录为 null）/ the cited notice, if published here"
    )

    class Meta:
        model = Citation
        fields = ["kind", "doc_number", "cited_title", "notice"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_notice(self, citation) -> str | None:
        target = self.context.get("cited", {}).get(citation.doc_number)
        if target is None:
            return None
        return self.context["request"].build_absolute_uri(target.get_absolute_url())


class CorrectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Correction
        fields = ["published_at", "description"]


class OutlineEntrySerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="title、chapter、section、article、heading1…3")
    number = serializers.CharField(help_text="编号，如 第十四条、一、（二）")
    text = serializers.CharField(help_text="标题文字")
    url = serializers.URLField(help_text="页面内锚点 / anchor on the public page")


class NoticeSerializer(NoticeSummarySerializer):
    """A notice in full: metadata, body and its outline, attachments, tables as rows, the
    documents it cites and those citing it, validity and corrections."""

    outline = serializers.SerializerMethodField()
    attachments = AttachmentSerializer(many=True, read_only=True)
    tables = TableSerializer(many=True, read_only=True)
    citations = CitationSerializer(many=True, read_only=True)
    cited_by = serializers.SerializerMethodField(help_text="引用本文件的文件 / citing notices")
    repealed_by = serializers.SerializerMethodField(help_text="废止本文件的文件 / repealing")
    corrections = CorrectionSerializer(many=True, read_only=True)
    validity_explanation = serializers.CharField(read_only=True, help_text="效力说明")

    class Meta(NoticeSummarySerializer.Meta):
        fields = [
            *NoticeSummarySerializer.Meta.fields,
            "section",
            "agency_code",
            "year",
            "serial",
            "addressees",
            "signer",
            "disclosure",
            "index_number",
            "topic",
            "valid_years",
            "validity_explanation",
            "body",
            "outline",
            "attachments",
            "tables",
            "citations",
            "cited_by",
            "repealed_by",
            "corrections",
        ]

    @extend_schema_field(OutlineEntrySerializer(many=True))
    def get_outline(self, notice) -> list[dict]:
        page = self.context["request"].build_absolute_uri(notice.get_absolute_url())
        lines = notice.body.split("\n")
        entries = []
        for line, entry in zip(lines, notice.structure or [], strict=False):
            if entry.get("anchor"):
                number = entry.get("number", "")
                text = line[len(number) :].strip() if line.startswith(number) else line
                entries.append(
                    {
                        "kind": entry["kind"],
                        "number": number,
                        "text": text.split("。")[0][:60],
                        "url": f"{page}#{entry['anchor']}",
                    }
                )
        return entries

    @extend_schema_field(NoticeSummarySerializer(many=True))
    def get_cited_by(self, notice) -> list[dict]:
        return list(
            NoticeSummarySerializer(
                self.context.get("cited_by", []), many=True, context=self.context
            ).data
        )

    @extend_schema_field(NoticeSummarySerializer(many=True))
    def get_repealed_by(self, notice) -> list[dict]:
        return list(
            NoticeSummarySerializer(
                self.context.get("repealed_by", []), many=True, context=self.context
            ).data
        )


class UnitSerializer(serializers.ModelSerializer):
    api_url = ApiUrl("api:unit-detail")
    url = PageUrl()
    aliases: serializers.SlugRelatedField = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="name", help_text="其他写法 / other names"
    )
    project_count = serializers.IntegerField(read_only=True, help_text="负责的项目数")
    task_count = serializers.IntegerField(read_only=True, help_text="负责的事项数")
    group_count = serializers.IntegerField(read_only=True, help_text="所在领导小组数")

    class Meta:
        model = Unit
        fields = [
            "id",
            "full_name",
            "short_name",
            "kind",
            "aliases",
            "project_count",
            "task_count",
            "group_count",
            "url",
            "api_url",
        ]


class UnitRoleSerializer(serializers.ModelSerializer):
    unit = serializers.IntegerField(source="unit_id", help_text="单位 id")
    name = serializers.CharField(source="unit.display_name", help_text="单位名称")

    class Meta:
        model = Responsibility
        fields = ["unit", "name", "role"]


class _ListItemSerializer(serializers.ModelSerializer):
    url = PageUrl()
    notice = NoticeSummarySerializer(read_only=True)
    units = UnitRoleSerializer(source="responsibilities", many=True, read_only=True)

    COMMON = ["id", "section", "number", "deadline_text", "deadline_year", "units", "notice"]


class ProjectSerializer(_ListItemSerializer):
    class Meta:
        model = Project
        fields = [
            *_ListItemSerializer.COMMON[:3],
            "name",
            "investment_yi",
            "content",
            "location",
            *_ListItemSerializer.COMMON[3:],
            "url",
        ]


class TaskSerializer(_ListItemSerializer):
    class Meta:
        model = Task
        fields = [
            *_ListItemSerializer.COMMON[:3],
            "content",
            "measures",
            *_ListItemSerializer.COMMON[3:],
            "url",
        ]


class MembershipSerializer(serializers.ModelSerializer):
    role_name = serializers.CharField(read_only=True, help_text="职务（原文）")
    unit = serializers.IntegerField(source="unit_id", allow_null=True, help_text="单位 id")

    class Meta:
        model = Membership
        fields = ["order", "role", "role_name", "person_name", "position", "unit"]


class GroupSerializer(serializers.ModelSerializer):
    url = PageUrl()
    notice = NoticeSummarySerializer(read_only=True)
    parent_id = serializers.IntegerField(allow_null=True, help_text="上级机构 id")
    members = MembershipSerializer(source="memberships", many=True, read_only=True)

    class Meta:
        model = LeadingGroup
        fields = ["id", "name", "parent_id", "office", "duties", "members", "notice", "url"]
