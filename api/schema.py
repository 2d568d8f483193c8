"""How the API describes itself: drf-spectacular's AutoSchema with what every view of the API
shares (api.views.PublicApi sets it on each).

Fields, in both languages (the scheme opendata.dictionary reads back for the data dictionary):

- ``title``: the field's name in Chinese, its label (a model field's verbose_name);
- ``description``: more about it in Chinese, where there is more to say (its help text);
- ``x-en``: its meaning in English, from the ``english`` mapping of its serializer or of a
  serializer it inherits from (api.serializers.COMMON_ENGLISH for id, url and api_url).

Query parameters: an empty value counts as not given (``allowEmptyValue``), as the pages'
forms send unset fields.

Responses: beside the resource itself, every operation states the answers it can give
instead — 304 to a conditional GET, 400 for a query parameter it does not read or cannot
read, 404, 429 with Retry-After — the errors as problem bodies (api.problems), and the
validators of a conditional GET (ETag, Last-Modified) and the conditions that use them."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import append_meta, force_instance
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from api.problems import PROBLEM_TYPE

NOT_MODIFIED = "未修改：内容与 If-None-Match 或 If-Modified-Since 所指的相同，没有正文。"
ERROR_RESPONSES = {
    400: "查询参数有误：未知参数或无法识别的值（problem 的 parameter 指明哪个）。",
    404: "没有这个对象（或它未发布），或页码超出范围。",
    429: "请求过于频繁：每个客户端地址的请求数有上限，Retry-After 给出等待秒数。",
}


def english_of(serializer_class: type, name: str) -> str:
    """The English meaning of field `name`: from the ``english`` mapping of `serializer_class`
    or of a class it inherits from, else from COMMON_ENGLISH."""
    from api.serializers import COMMON_ENGLISH

    for klass in serializer_class.__mro__:
        english = klass.__dict__.get("english")
        if english and name in english:
            return english[name]
    return COMMON_ENGLISH.get(name, "")


class GazetteSchema(AutoSchema):
    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        # An empty value counts as not given, as the pages' forms send an unset field (DRF's
        # pagination, django-filter and the search read them so): the schema says so.
        for parameter in (operation or {}).get("parameters", []):
            if parameter.get("in") == "query":
                parameter["allowEmptyValue"] = True
        return operation

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        serializer_class = type(force_instance(serializer))
        properties = schema.get("properties", {})
        for name, prop in properties.items():
            english = english_of(serializer_class, name)
            if english:
                properties[name] = append_meta(prop, {"x-en": english})
        return schema

    def get_override_parameters(self):
        return [
            *super().get_override_parameters(),
            OpenApiParameter(
                "If-None-Match",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="上次响应的 ETag：内容未变时返回 304。",
            ),
            OpenApiParameter(
                "If-Modified-Since",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="上次响应的 Last-Modified：此后内容未变时返回 304"
                "（同时给出 If-None-Match 时以它为准）。",
            ),
            OpenApiParameter(
                "ETag",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                response=[200, 304],
                description="响应内容的标识（内容变了，它就变）。",
            ),
            OpenApiParameter(
                "Last-Modified",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                response=[200, 304],
                description="已发布内容最近一次变动的时间（HTTP 日期）。",
            ),
            OpenApiParameter(
                "Retry-After",
                OpenApiTypes.INT,
                OpenApiParameter.HEADER,
                response=[429],
                description="再次请求前应等待的秒数。",
            ),
        ]

    def _get_response_bodies(self, direction="response"):
        from api.serializers import ProblemSerializer

        responses = super()._get_response_bodies(direction)
        responses["304"] = {"description": NOT_MODIFIED}
        headers = self._get_response_headers_for_code("304", direction)
        if headers:
            responses["304"]["headers"] = headers
        for status, description in ERROR_RESPONSES.items():
            response = self._get_response_for_code(
                ProblemSerializer, str(status), media_types=[PROBLEM_TYPE], direction=direction
            )
            responses[str(status)] = {**response, "description": description}
        return responses
