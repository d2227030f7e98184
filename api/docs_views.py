"""The OpenAPI schema and the Vietnamese documentation page (Swagger UI from local static files)."""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.settings import patched_settings
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView

from .pagination import MAX_PAGE_SIZE
from .throttling import DEFAULT_RATE
from .views import DjangoUserKept

SCHEMA_SETTINGS = {
    "TITLE": "API đọc dữ liệu Cổng theo dõi Đề án 06 và Tỉnh an toàn PCCC",
    "DESCRIPTION": (
        "API chỉ đọc, phiên bản 1. Xác thực bằng tiêu đề `Authorization: Bearer <khóa>`; "
        "mỗi khóa chỉ đọc được số liệu của đơn vị được cấp và các đơn vị trực thuộc."
    ),
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SECURITY": [{"bearerAuth": []}],
}


@extend_schema(exclude=True)
class SchemaView(DjangoUserKept, SpectacularAPIView):
    """``/api/v1/schema/``: public (it holds no data), so that tools can read it without a token."""

    authentication_classes = []
    permission_classes = []
    throttle_classes = []
    custom_settings = SCHEMA_SETTINGS
    schema = AutoSchema()

    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)
        view.csrf_exempt = False  # read-only: unsafe methods get the portal's CSRF refusal
        return view

    def get(self, request, *args, **kwargs):
        # Without the parent's method-level @extend_schema, which is built on DRF's own schema
        # class (the project sets no REST_FRAMEWORK defaults) and would put this view in the schema.
        with patched_settings(self.custom_settings):
            return self._get_schema_response(request)


def api_docs(request):
    """Hướng dẫn sử dụng API, with Swagger UI below it; scripts are local files (CSP 'self')."""
    return render(
        request,
        "api/docs.html",
        {"title": _("Tài liệu API"), "max_page_size": MAX_PAGE_SIZE, "rate": DEFAULT_RATE},
    )
