from rest_framework.pagination import PageNumberPagination

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class Pages(PageNumberPagination):
    """``?page=N&page_size=M``: 20 a page, at most 100 (stated in the schema)."""

    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    page_query_description = "页码（从 1 开始）。"
    page_size_query_description = f"每页条数，默认 {PAGE_SIZE}，最多 {MAX_PAGE_SIZE}。"
