"""What each resource returns. Every published object carries `url`, its public page, and
lists carry `api_url`, the object in this API.

Every field is described in both languages, and that description is the data dictionary
(/data/): its Chinese name is its label (for a model field, the model's verbose_name), more
about it in Chinese its help text, and its meaning in English is in its serializer's
``english`` mapping (inherited mappings included). api.schema puts the three into the OpenAPI
schema (``title``, ``description``, ``x-en``), opendata.dictionary reads them back from there,
and opendata/tests/test_dictionary.py fails for a field that lacks either language."""

from __future__ import annotations

from typing import ClassVar

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
    Validity,
)
from projects.models import Project, Responsibility, Task

# The English of the fields most resources have.
COMMON_ENGLISH = {
    "id": "Identifier of the object in this API",
    "url": "The object's public page on this site",
    "api_url": "The object in this API",
}


@extend_schema_field(OpenApiTypes.URI)
class PageUrl(serializers.Field):
    """The object's public page, absolute."""

    def __init__(self, **kwargs):
        kwargs.update(source="*", read_only=True)
        kwargs.setdefault("label", "公开页面")
        kwargs.setdefault("help_text", "本站公开页面的地址")
        super().__init__(**kwargs)

    def to_representation(self, value):
        return self.context["request"].build_absolute_uri(value.get_absolute_url())


@extend_schema_field(OpenApiTypes.URI)
class ApiUrl(serializers.Field):
    def __init__(self, view_name: str, **kwargs):
        self.view_name = view_name
        kwargs.update(source="*", read_only=True)
        kwargs.setdefault("label", "接口地址")
        kwargs.setdefault("help_text", "本接口中该对象的地址")
        super().__init__(**kwargs)

    def to_representation(self, value):
        url = reverse(self.view_name, args=[value.pk])
        return self.context["request"].build_absolute_uri(url)


def _id() -> serializers.IntegerField:
    return serializers.IntegerField(read_only=True, label="编号", help_text="本接口中的 id")


class IssueRefSerializer(serializers.ModelSerializer):
    url = PageUrl()

    english: ClassVar[dict[str, str]] = {
        "year": "Year of the issue",
        "number": "Number of the issue within its year (第N号)",
        "total_number": "Cumulative number of the issue (总第N号)",
        "published_on": "Publication date of the issue",
    }

    class Meta:
        model = Issue
        fields = ["year", "number", "total_number", "published_on", "url"]


class NoticeSummarySerializer(serializers.ModelSerializer):
    """A notice in a list: its number, title, kind, dates, validity and where it is printed."""

    id = _id()
    api_url = ApiUrl("api:notice-detail")
    url = PageUrl()
    issue = IssueRefSerializer(read_only=True, label="所在刊期")
    # Computed by the database, and empty when the document states no period of validity.
    expires_on = serializers.DateField(read_only=True, allow_null=True, label="有效期至")
    validity = serializers.SerializerMethodField(label="当前效力", help_text="有效、已失效或已废止")

    english: ClassVar[dict[str, str]] = {
        "doc_number": "Document number (发文字号) in its canonical form, e.g. 咸政办发〔2022〕29号",
        "title": "Title of the document",
        "kind": "Kind of document (通知, 意见, 令 …)",
        "normative": "Whether it is an administrative normative document (行政规范性文件)",
        "issuer": "Issuing authority",
        "signed_on": "Date of signing (成文日期)",
        "effective_on": "Date it takes effect; empty: from its issue",
        "expires_on": "Last day of its period of validity; empty when it states none",
        "validity": "Validity now: in_force, expired or repealed",
        "issue": "The issue of the gazette it is printed in",
        "page": "Page of the issue it starts on",
    }

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

    @extend_schema_field(serializers.ChoiceField(choices=Validity.choices))
    def get_validity(self, notice) -> str:
        return getattr(notice, "current_validity", notice.validity)


class IssueListSerializer(serializers.ModelSerializer):
    id = _id()
    api_url = ApiUrl("api:issue-detail")
    url = PageUrl()
    notice_count = serializers.IntegerField(read_only=True, label="文件数")

    english: ClassVar[dict[str, str]] = {
        **IssueRefSerializer.english,
        "notice_count": "Number of documents in the issue",
    }

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
    id = _id()
    api_url = ApiUrl("api:notice-detail")
    url = PageUrl()

    english: ClassVar[dict[str, str]] = {
        "order": "Position in the issue's table of contents",
        "section": "Heading of the table of contents it is listed under",
        "page": "Page it starts on",
        "title": "Title of the document",
        "doc_number": "Document number (发文字号), canonical form",
    }

    class Meta:
        model = Notice
        fields = ["id", "order", "section", "page", "title", "doc_number", "url", "api_url"]


class IssueSerializer(IssueListSerializer):
    """An issue with its masthead and table of contents (目录)."""

    contents = TocEntrySerializer(source="notices", many=True, read_only=True, label="目录")

    english: ClassVar[dict[str, str]] = {
        "sponsor": "Sponsor (主办) in the masthead",
        "publisher": "Editor and publisher (编辑出版) in the masthead",
        "phone": "Telephone in the masthead",
        "email": "E-mail address in the masthead",
        "address": "Postal address in the masthead",
        "postcode": "Postcode in the masthead",
        "permit_number": "Printing permit number (准印证号)",
        "contents": "Table of contents: the documents in printed order, with their pages",
    }

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
    english: ClassVar[dict[str, str]] = {
        "label": "Label of the attachment, e.g. 附件1, 附件3.1",
        "title": "Title of the attachment",
        "body": "Text of the attachment, one paragraph a line",
    }

    class Meta:
        model = Attachment
        fields = ["label", "title", "body"]


class TableSerializer(serializers.ModelSerializer):
    attachment = serializers.CharField(
        source="attachment.label", default="", read_only=True, label="所在附件"
    )
    csv_url = serializers.SerializerMethodField(label="CSV 下载", help_text="该表的 CSV 文件地址")
    header = serializers.ListField(child=serializers.CharField(), read_only=True, label="表头")
    rows = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField()),
        read_only=True,
        label="数据行",
        help_text="每行按表头顺序列出各单元格；单元格可含 HTML 片段",
    )

    english: ClassVar[dict[str, str]] = {
        "order": "Position of the table in the document",
        "title": "Title of the table",
        "attachment": "Label of the attachment the table is in (empty: the main text)",
        "header": "Header row: the column names",
        "rows": "Data rows, each a list of cells in the header's order",
        "csv_url": "The table as a CSV file",
    }

    class Meta:
        model = Table
        fields = ["order", "title", "attachment", "header", "rows", "csv_url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_csv_url(self, table) -> str:
        url = reverse("documents:notice_table_csv", args=[table.notice_id, table.order])
        return self.context["request"].build_absolute_uri(url)


class CitationSerializer(serializers.ModelSerializer):
    notice = serializers.SerializerMethodField(
        allow_null=True, label="被引文件页面", help_text="本站收录的被引文件（未收录为 null）"
    )

    english: ClassVar[dict[str, str]] = {
        "kind": "Relation: cites or repeals",
        "doc_number": "Document number of the cited document",
        "cited_title": "Title of the cited document, as the citation gives it",
        "notice": "Public page of the cited document, if this site has it (else null)",
    }

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
    english: ClassVar[dict[str, str]] = {
        "published_at": "When the correction was published",
        "description": "What was corrected",
    }

    class Meta:
        model = Correction
        fields = ["published_at", "description"]


class OutlineEntrySerializer(serializers.Serializer):
    kind = serializers.CharField(
        label="层级", help_text="title、chapter、section、article、heading1…heading3"
    )
    number = serializers.CharField(label="编号", help_text="如 第十四条、一、（二）")
    text = serializers.CharField(label="标题文字")
    url = serializers.URLField(label="页面锚点", help_text="公开页面中该处的地址")

    english: ClassVar[dict[str, str]] = {
        "kind": "Level: title, chapter, section, article, heading1 … heading3",
        "number": "Its number as printed, e.g. 第十四条, 一、, （二）",
        "text": "Text of the heading",
        "url": "That place on the public page",
    }


class NoticeSerializer(NoticeSummarySerializer):
    """A notice in full: metadata, body and its outline, attachments, tables as rows, the
    documents it cites and those citing it, validity and corrections."""

    outline = serializers.SerializerMethodField(label="正文结构", help_text="章、条与各级标题")
    attachments = AttachmentSerializer(many=True, read_only=True, label="附件")
    tables = TableSerializer(many=True, read_only=True, label="表格")
    citations = CitationSerializer(many=True, read_only=True, label="引用的文件")
    cited_by = serializers.SerializerMethodField(label="被引用", help_text="引用本文件的文件")
    repealed_by = serializers.SerializerMethodField(label="被废止", help_text="废止本文件的文件")
    corrections = CorrectionSerializer(many=True, read_only=True, label="更正")
    validity_explanation = serializers.CharField(read_only=True, label="效力说明")

    english: ClassVar[dict[str, str]] = {
        "section": "Heading of the table of contents it is listed under",
        "agency_code": "Agency code (机关代字) of the document number, e.g. 咸政办发",
        "year": "Year of the document number",
        "serial": "Serial of the document number",
        "addressees": "Addressees (主送机关)",
        "signer": "Signatory, for a decree (令)",
        "disclosure": "Manner of disclosure (公开方式), e.g. 主动公开",
        "index_number": "Index number (索引号) of the government information page",
        "topic": "Subject category (主题分类)",
        "valid_years": "Period of validity in years",
        "validity_explanation": "Validity explained in words",
        "body": "Text of the document, one paragraph a line",
        "outline": "Outline of the text: chapters, articles and headings",
        "attachments": "Attachments (附件)",
        "tables": "Tables in the document, row by row",
        "citations": "Documents it cites or repeals",
        "cited_by": "Published documents citing it",
        "repealed_by": "Published documents repealing it",
        "corrections": "Corrections published to it",
    }

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
        request = self.context["request"]
        lines = notice.body.split("\n")
        entries = []
        for line, entry in zip(lines, notice.structure or [], strict=False):
            if entry.get("anchor"):
                number = entry.get("number", "")
                text = line[len(number) :].strip() if line.startswith(number) else line
                # The anchors are Chinese (#第一章): build_absolute_uri percent-encodes them.
                url = request.build_absolute_uri(f"{notice.get_absolute_url()}#{entry['anchor']}")
                entries.append(
                    {
                        "kind": entry["kind"],
                        "number": number,
                        "text": text.split("。")[0][:60],
                        "url": url,
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
    id = _id()
    api_url = ApiUrl("api:unit-detail")
    url = PageUrl()
    aliases: serializers.SlugRelatedField = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="name", label="其他写法"
    )
    project_count = serializers.IntegerField(read_only=True, label="负责的项目数")
    task_count = serializers.IntegerField(read_only=True, label="负责的事项数")
    group_count = serializers.IntegerField(read_only=True, label="所在领导小组数")

    english: ClassVar[dict[str, str]] = {
        "full_name": "Full name of the unit",
        "short_name": "Short name, as the documents usually print it",
        "kind": "Kind of unit (city department, county government, development zone …)",
        "aliases": "Other names it is printed under",
        "project_count": "Number of published projects it has a role in",
        "task_count": "Number of published tasks it has a role in",
        "group_count": "Number of leading groups it has a seat in",
    }

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
    unit = serializers.IntegerField(source="unit_id", label="单位编号", help_text="单位的 id")
    name = serializers.CharField(source="unit.display_name", label="单位名称")

    english: ClassVar[dict[str, str]] = {
        "unit": "Identifier of the unit (see /api/v1/units/)",
        "name": "Name of the unit",
        "role": "Its role: lead, responsible or cooperating",
    }

    class Meta:
        model = Responsibility
        fields = ["unit", "name", "role"]


class _ListItemSerializer(serializers.ModelSerializer):
    id = _id()
    url = PageUrl()
    notice = NoticeSummarySerializer(read_only=True, label="所在文件")
    units = UnitRoleSerializer(
        source="responsibilities", many=True, read_only=True, label="责任单位"
    )

    COMMON = ["id", "section", "number", "deadline_text", "deadline_year", "units", "notice"]
    english: ClassVar[dict[str, str]] = {
        "section": "Section of the list it is printed in",
        "number": "Its number in the list, as printed",
        "deadline_text": "Deadline as printed, e.g. 2025年, 持续推进 (ongoing)",
        "deadline_year": "Year of the deadline, if it names one",
        "units": "Units with a role in it (lead, responsible, cooperating)",
        "notice": "The document whose list it is in",
    }


class ProjectSerializer(_ListItemSerializer):
    english: ClassVar[dict[str, str]] = {
        "name": "Name of the project",
        "investment_yi": "Total investment, in 100 million yuan (亿元)",
        "content": "What is to be built (建设内容)",
        "location": "County, city or district it is in",
    }

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
    english: ClassVar[dict[str, str]] = {
        "content": "What is to be done (事项内容)",
        "measures": "Main measures",
    }

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
    role_name = serializers.CharField(read_only=True, label="职务（原文）")
    unit = serializers.IntegerField(
        source="unit_id", allow_null=True, label="单位编号", help_text="所在单位的 id"
    )

    english: ClassVar[dict[str, str]] = {
        "order": "Position in the printed list of members",
        "role": "Role in the group (leader, deputy leader, member …)",
        "role_name": "Role as printed, e.g. 副组长",
        "person_name": "Name of the person (typesetting spaces removed)",
        "position": "The person's position",
        "unit": "Identifier of the person's unit, if known",
    }

    class Meta:
        model = Membership
        fields = ["order", "role", "role_name", "person_name", "position", "unit"]


class GroupSerializer(serializers.ModelSerializer):
    id = _id()
    url = PageUrl()
    notice = NoticeSummarySerializer(read_only=True, label="设立文件")
    parent_id = serializers.IntegerField(
        allow_null=True, label="上级机构编号", help_text="上级领导小组或指挥部的 id"
    )
    members = MembershipSerializer(source="memberships", many=True, read_only=True, label="成员")

    english: ClassVar[dict[str, str]] = {
        "name": "Name of the leading group or headquarters",
        "parent_id": "Identifier of the group it belongs to, if any",
        "office": "Where its office is",
        "duties": "Its duties",
        "members": "Its members in printed order",
        "notice": "The document that set it up",
    }

    class Meta:
        model = LeadingGroup
        fields = ["id", "name", "parent_id", "office", "duties", "members", "notice", "url"]


# --- Search (/api/v1/search/) --------------------------------------------------------------


class SearchQuerySerializer(serializers.Serializer):
    """The search's query parameters, those of the search page: read strictly here (a value
    that cannot be read is a 400 naming it), where the page drops it with a note."""

    q = serializers.CharField(
        required=False, allow_blank=True, label="检索词", help_text="关键词或发文字号"
    )
    # Blank is "not set", as the page's form sends an unset choice.
    sort = serializers.ChoiceField(
        choices=[("relevance", "相关度"), ("date", "日期")],
        required=False,
        allow_blank=True,
        label="排序",
    )
    page = serializers.IntegerField(required=False, min_value=1, label="页码")
    year = serializers.IntegerField(
        required=False, min_value=1000, max_value=9999, label="刊期年份"
    )
    issuer = serializers.CharField(required=False, allow_blank=True, label="发文机关（全称）")
    agency = serializers.CharField(required=False, allow_blank=True, label="机关代字")
    validity = serializers.ChoiceField(
        choices=Validity.choices, required=False, allow_blank=True, label="效力"
    )
    projects = serializers.BooleanField(required=False, label="只看含项目清单的文件")
    tasks = serializers.BooleanField(required=False, label="只看含重点任务的文件")
    # `from` and `to` on the page, which are Python keywords: renamed in get_fields.
    date_from = serializers.DateField(required=False, label="成文日期不早于")
    date_to = serializers.DateField(required=False, label="成文日期不晚于")

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("date_from")
        fields["to"] = fields.pop("date_to")
        return fields


class SearchIssueSerializer(serializers.Serializer):
    year = serializers.IntegerField(label="年份")
    number = serializers.IntegerField(label="期号")

    english: ClassVar[dict[str, str]] = {
        "year": "Year of the issue",
        "number": "Number of the issue within its year",
    }


class SearchHitSerializer(serializers.Serializer):
    id = serializers.IntegerField(label="编号", help_text="文件在本接口中的 id")
    doc_number = serializers.CharField(label="发文字号", allow_null=True)
    title = serializers.CharField(label="标题")
    title_html = serializers.CharField(label="标题（高亮）", help_text="匹配处以 <mark> 标出")
    passage_html = serializers.CharField(
        label="匹配片段（高亮）", help_text="正文中匹配的段落，匹配处以 <mark> 标出"
    )
    issuer = serializers.CharField(label="发文机关")
    signed_on = serializers.DateField(allow_null=True, label="成文日期")
    issue = SearchIssueSerializer(label="所在刊期")
    url = serializers.URLField(label="公开页面")
    api_url = serializers.URLField(label="接口地址")

    english: ClassVar[dict[str, str]] = {
        "doc_number": "Document number (发文字号), canonical form",
        "title": "Title of the document",
        "title_html": "Title as HTML, the matches marked with <mark>",
        "passage_html": "The matching passage of the text as HTML, matches marked with <mark>",
        "issuer": "Issuing authority",
        "signed_on": "Date of signing",
        "issue": "The issue it is printed in",
    }


class SearchBucketSerializer(serializers.Serializer):
    value = serializers.CharField(label="取值", help_text="作为同名参数的值即按此筛选")
    # A field (DRF's metaclass takes it out of the class), not the serializer's own `label`.
    label = serializers.CharField(label="名称")  # type: ignore[assignment]
    count = serializers.IntegerField(label="文件数")
    selected = serializers.BooleanField(label="已选")

    english: ClassVar[dict[str, str]] = {
        "value": "Value: pass it as the facet's parameter to filter by it",
        "label": "What the value means, in words",
        "count": "Number of matching documents with this value",
        "selected": "Whether the search is filtered by this value",
    }


class SearchFacetSerializer(serializers.Serializer):
    label = serializers.CharField(label="分面名称")  # type: ignore[assignment]  # as above
    approximate = serializers.BooleanField(
        label="计数为估计", help_text="结果数精确时，部分分面的计数仍可能为估计"
    )
    buckets = SearchBucketSerializer(many=True, label="取值与计数")

    english: ClassVar[dict[str, str]] = {
        "label": "Name of the facet",
        "approximate": "Whether its counts are estimates (also when the result's count is not)",
        "buckets": "Its values with their counts",
    }


class SearchResultSerializer(serializers.Serializer):
    """What the search page shows, as data."""

    query = serializers.CharField(label="检索词", help_text="整理后的检索词")
    message = serializers.CharField(label="提示", help_text="没有结果时的说明")
    notes = serializers.ListField(
        child=serializers.CharField(), label="说明", help_text="如：忽略了无法识别的日期"
    )
    doc_number = serializers.CharField(
        allow_null=True, label="发文字号", help_text="检索词是发文字号时，其规范写法"
    )
    notice = serializers.URLField(
        allow_null=True, label="该文件页面", help_text="检索的发文字号在本站时，该文件的页面"
    )
    citing = serializers.ListField(
        child=serializers.URLField(), label="引用该字号的文件", help_text="其公开页面"
    )
    count = serializers.IntegerField(label="结果数")
    approximate = serializers.BooleanField(label="结果数为估计")
    sort = serializers.CharField(label="排序")
    page = serializers.IntegerField(label="页码")
    num_pages = serializers.IntegerField(label="总页数")
    has_next = serializers.BooleanField(label="有下一页")
    results = SearchHitSerializer(many=True, label="本页结果")
    facets = serializers.DictField(
        child=SearchFacetSerializer(), label="分面", help_text="按参数名：各取值的文件数"
    )

    english: ClassVar[dict[str, str]] = {
        "query": "The query as read",
        "message": "A message when nothing is found",
        "notes": "Notes on the query, e.g. a date that could not be read",
        "doc_number": "When the query is a document number: its canonical form",
        "notice": "When the query is a document number this site has: that document's page",
        "citing": "When the query is a document number this site lacks: pages citing it",
        "count": "Number of matching documents",
        "approximate": "Whether the count is an estimate",
        "sort": "Order of the results: relevance or date",
        "page": "This page's number",
        "num_pages": "Number of pages",
        "has_next": "Whether there is a next page",
        "results": "The documents on this page (20 a page)",
        "facets": "Facets by parameter name: each value with its count",
    }


class ProblemSerializer(serializers.Serializer):
    """An error, as an RFC 9457 problem body (api.problems)."""

    type = serializers.CharField(label="类型", help_text="about:blank")
    title = serializers.CharField(label="错误")
    status = serializers.IntegerField(label="状态码")
    detail = serializers.CharField(label="说明")
    parameter = serializers.CharField(required=False, label="参数", help_text="有误的查询参数")
    # A field, not the serializer's own `errors` (DRF's metaclass takes it out of the class).
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        label="各参数的错误",
    )
    retry_after = serializers.IntegerField(required=False, label="重试等待（秒）")

    english: ClassVar[dict[str, str]] = {
        "type": "Problem type (about:blank)",
        "title": "What went wrong, in short",
        "status": "HTTP status code",
        "detail": "What went wrong, in full",
        "parameter": "The query parameter at fault (400)",
        "errors": "Each faulty parameter's errors (400)",
        "retry_after": "Seconds to wait before trying again (429)",
    }
