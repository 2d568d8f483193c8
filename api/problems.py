"""Errors as RFC 9457 problem details (``application/problem+json``): a status, a Chinese title
and detail, and for a bad query parameter its name — never an HTML page, never a 500 for what a
client sent."""

from __future__ import annotations

from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

PROBLEM_TYPE = "application/problem+json"

_TITLES = {
    status.HTTP_400_BAD_REQUEST: "请求参数有误",
    status.HTTP_404_NOT_FOUND: "没有找到",
    status.HTTP_405_METHOD_NOT_ALLOWED: "不支持该请求方法",
    status.HTTP_406_NOT_ACCEPTABLE: "不支持请求的格式",
    status.HTTP_429_TOO_MANY_REQUESTS: "请求过于频繁",
}


class BadParameter(exceptions.ValidationError):
    """A query parameter that is unknown or has a value that cannot be read."""

    def __init__(self, parameter: str, detail: str):
        super().__init__({parameter: [detail]})
        self.parameter = parameter
        self.message = detail


def problem(status_code: int, detail: str, **extra) -> Response:
    body = {
        "type": "about:blank",
        "title": _TITLES.get(status_code, "请求未能完成"),
        "status": status_code,
        "detail": detail,
        **extra,
    }
    return Response(body, status=status_code, content_type=PROBLEM_TYPE)


def handle(exc, context):
    """DRF's exception handler, answering with a problem body."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = exception_handler(exc, context)
    if response is None:
        return None  # a real server error: Django's 500 handling and logging
    extra: dict = {}
    if isinstance(exc, BadParameter):
        detail = f"参数“{exc.parameter}”：{exc.message}"
        extra["parameter"] = exc.parameter
    elif isinstance(exc, exceptions.ValidationError) and isinstance(exc.detail, dict):
        name, errors = next(iter(exc.detail.items()))
        first = errors[0] if isinstance(errors, list) and errors else errors
        detail = f"参数“{name}”：{first}"
        extra["parameter"] = str(name)
        extra["errors"] = {str(k): [str(e) for e in v] for k, v in exc.detail.items()}
    elif isinstance(exc, exceptions.Throttled):
        wait = int(getattr(exc, "wait", None) or 1)
        detail = f"请求过于频繁：每个客户端地址的请求数有上限，请 {wait} 秒后再试。"
        extra["retry_after"] = wait
    else:
        detail = str(getattr(exc, "detail", exc))
    replaced = problem(response.status_code, detail, **extra)
    for header in ("Retry-After", "Allow", "WWW-Authenticate"):
        if header in response:
            replaced[header] = response[header]
    return replaced
