from rest_framework.pagination import PageNumberPagination

from api.problems import BadParameter

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def _positive(name: str, value: str) -> int | None:
    """`value` as a positive integer; None when empty (not given); BadParameter otherwise."""
    if value == "":
        return None
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        raise BadParameter(name, f"“{value[:20]}”不是正整数。")
    return int(value)


class Pages(PageNumberPagination):
    """``?page=N&page_size=M``: 20 a page, at most 100 (a larger size gives 100; stated in the
    schema). A value that is not a positive integer is a 400 naming it (DRF would ignore a bad
    size, and answer a bad page with 404 as if it were out of range); a page past the last one
    is a 404."""

    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    page_query_description = "页码（从 1 开始）。"
    page_size_query_description = f"每页条数，默认 {PAGE_SIZE}，最多 {MAX_PAGE_SIZE}。"

    def get_page_size(self, request):
        size = _positive(self.page_size_query_param, request.query_params.get("page_size", ""))
        return self.page_size if size is None else min(size, self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        page = request.query_params.get(self.page_query_param, "")
        if page not in self.last_page_strings:
            _positive(self.page_query_param, page)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
        return parameters
