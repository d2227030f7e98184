"""Cursor pagination: stable under inserts, which a nightly pull of a growing table needs."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination

from .errors import ParameterError

DEFAULT_PAGE_SIZE = 100
# A nightly pull of every commune's snapshot for a date (3,321) fits in one page.
MAX_PAGE_SIZE = 5000


class ApiCursorPagination(CursorPagination):
    """``?cursor=`` opaque position, ``?page_size=`` 1–5000 (400 outside), ordered by id."""

    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    ordering = "id"

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            raise ParameterError("page_size", _("page_size phải là số nguyên.")) from None
        if not 1 <= size <= self.max_page_size:
            raise ParameterError("page_size", _("page_size phải từ 1 đến %(max)s.") % {"max": self.max_page_size})
        return size

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ParameterError("cursor", _("Giá trị cursor không hợp lệ.")) from None
