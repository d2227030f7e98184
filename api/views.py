"""The read API (``/api/v1/``): thin views over ``api.selectors``, scoped by the caller's token.

Every answer is JSON; a GET carries an ETag (of the body) and, where the rows have a time, a
Last-Modified, and a conditional GET that matches gets 304 with no body. Each call is logged
(logger ``api``) with the token, its unit, the status and the time taken, and each call that
carried a token, accepted or refused, is an audit event (``audit.services.audit_api_call``).
"""

import logging
import time

from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer

from audit.services import audit_api_call
from provinces.selectors import unit_scope_filter, unit_visible_to
from tasks.choices import TaskStatus

from . import answers, params, selectors, serializers
from .answers import Answer
from .authentication import ApiTokenAuthentication
from .errors import ErrorSerializer, ParameterErrorSerializer, api_exception_handler
from .pagination import ApiCursorPagination
from .throttling import TokenRateThrottle

logger = logging.getLogger("api")

# Documented query parameters, shared by the endpoints that accept them.
P = OpenApiParameter
UNIT = P("unit", str, description="Mã đơn vị (đơn vị cũ: “~mã”): chỉ lấy đơn vị này và các đơn vị trực thuộc.")
PROGRAMME = P("programme", int, description="Mã số (id) đề án.")
LEVEL = P("level", int, enum=[1, 2, 3], description="Cấp đơn vị: 1 tỉnh, 2 huyện (cũ), 3 xã.")
LEGACY = P("legacy", str, enum=["true", "false"], description="true: chỉ đơn vị cũ; false: chỉ đơn vị hiện hành.")
STATUS = P("status", str, enum=TaskStatus.values, description="Trạng thái nhiệm vụ.")
DEADLINE_FROM = P("deadline_from", str, description="Thời hạn từ ngày (YYYY-MM-DD).")
DEADLINE_TO = P("deadline_to", str, description="Thời hạn đến ngày (YYYY-MM-DD).")
DATE = P("date", str, description="Ngày số liệu (YYYY-MM-DD).")
DATE_FROM = P("date_from", str, description="Từ ngày số liệu (YYYY-MM-DD).")
DATE_TO = P("date_to", str, description="Đến ngày số liệu (YYYY-MM-DD).")
PERIOD = P("period", str, description="Kỳ báo cáo: 2026-03 (tháng), 2026-Q1 (quý), 2026 (năm).")
CRITERIA_SET = P("criteria_set", str, description="Mã mô hình (bộ tiêu chí), ví dụ tinh-an-toan-pccc.")
# Dates are documented as strings so that a malformed one reaches the view and gets its 400.

ERRORS = {
    400: OpenApiResponse(ParameterErrorSerializer, description="Tham số không hợp lệ."),
    401: OpenApiResponse(ErrorSerializer, description="Thiếu khóa, khóa sai, hết hạn hoặc bị thu hồi."),
    404: OpenApiResponse(ErrorSerializer, description="Không tồn tại hoặc ngoài phạm vi của khóa."),
    429: OpenApiResponse(ErrorSerializer, description="Vượt giới hạn số lần gọi của khóa."),
}


class DjangoUserKept:
    """Puts back the Django request's own user after DRF answered.

    DRF copies its authenticated principal (a token, or an anonymous user for an unauthenticated
    call) onto the Django request; the middleware after the view reads that request's user: the
    audit records users (a token is not one) and the security headers mark a signed-in user's
    response ``no-store``. They must see who really sent the request; API calls are logged and
    audited by ``ApiView`` instead.
    """

    def initialize_request(self, request, *args, **kwargs):
        self._django_user = request.__dict__.get("user", AnonymousUser())
        return super().initialize_request(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        request._request.user = self._django_user
        return response


class ApiView(DjangoUserKept, generics.GenericAPIView):
    """Token authentication, per-token throttle, JSON only, conditional GET, one log line per call."""

    authentication_classes = [ApiTokenAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes = [TokenRateThrottle]
    renderer_classes = [JSONRenderer]
    parser_classes = []
    pagination_class = ApiCursorPagination
    http_method_names = ["get", "head"]
    schema = AutoSchema()
    # Attribute of the rows that says when they last changed (Last-Modified); None: ETag only.
    modified_field: str | None = None

    @classmethod
    def as_view(cls, **initkwargs):
        # DRF exempts its views from CSRF; this API only reads, so a POST (or any unsafe method)
        # gets the portal's CSRF refusal like every other route (tests/security/test_url_walk.py).
        view = super().as_view(**initkwargs)
        view.csrf_exempt = False
        return view

    def get_exception_handler(self):
        return api_exception_handler

    def initial(self, request, *args, **kwargs):
        self._began = time.perf_counter()
        self._last_modified = None
        super().initial(request, *args, **kwargs)

    def note_modified(self, rows) -> None:
        """Remember the latest change time of the rows answered, for Last-Modified."""
        if self.modified_field is None:
            return
        times = [getattr(row, self.modified_field) for row in rows if getattr(row, self.modified_field, None)]
        if times:
            self._last_modified = max(times)

    def answer_of(self, response) -> Answer:
        """The validators of a freshly rendered answer (a view that keeps answers overrides this)."""
        return Answer.of(response.content, getattr(self, "_last_modified", None))

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            if hasattr(response, "render"):  # a kept answer is already bytes
                response.render()
            answer = getattr(self, "_answer", None) or self.answer_of(response)
            etag = answer.apply(request, response)
            response["ETag"] = etag
            if answer.last_modified is not None:
                response["Last-Modified"] = http_date(answer.last_modified)
            # Private: the answer depends on the token.
            response["Cache-Control"] = "private, no-cache"
            response = get_conditional_response(
                request, etag=etag, last_modified=answer.last_modified, response=response
            )
        self._log(request, response)
        self._audit(request, response)
        return response

    def _audit(self, request, response) -> None:
        """One audit event per call that carried a token, accepted or refused (one INSERT, nothing read).

        A call without any Authorization header is not recorded there (it names nobody; the log line has it).
        """
        presented = getattr(request, "api_token_presented", None)
        if presented is None:
            return
        token = presented.token
        try:
            audit_api_call(
                request=request._request,
                status=response.status_code,
                key_prefix=presented.key_prefix,
                token_id=token.pk if token is not None else None,
                token_repr=str(token) if token is not None else "",
                unit_id=token.unit_id if token is not None else None,
                detail={"refused": presented.refusal} if presented.refusal else None,
            )
        except Exception:  # like the audit middleware: the audit never turns an answer into an error
            logger.exception("audit of API call %s %s failed", request.method, request.path)
        # The audit middleware, which would record a refused call as the signed-in user's, leaves it.
        request._request.audited_by_view = True

    def _log(self, request, response) -> None:
        token = getattr(request, "auth", None)
        began = getattr(self, "_began", None)
        logger.info(
            "api %s %s %s token=%s unit=%s %.0f ms",
            request.method,
            request.get_full_path(),
            response.status_code,
            token.key_prefix if token is not None else "-",
            (token.unit.code if token.unit_id else "toan-quoc") if token is not None else "-",
            (time.perf_counter() - began) * 1000 if began is not None else 0,
        )


class ApiListView(ApiView, generics.ListAPIView):
    """A list with its own filters; unknown query parameters are refused."""

    filter_names: tuple[str, ...] = ()

    def get_queryset(self):
        params.refuse_unknown(self.request.query_params, set(self.filter_names) | params.PAGINATION_PARAMETERS)
        query = {
            name: self.request.query_params[name] for name in self.filter_names if name in self.request.query_params
        }
        return self.filtered(self.base_queryset(), query)

    def base_queryset(self):
        raise NotImplementedError

    def filtered(self, rows, query: dict):
        return rows

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        self.note_modified(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class ApiDetailView(ApiView, generics.RetrieveAPIView):
    """One object in scope, or 404 (the same whether missing or out of scope)."""

    pagination_class = None
    not_found_message = ""

    def get_object(self):
        params.refuse_unknown(self.request.query_params, set())
        row = self.lookup(self.kwargs)
        if row is None:
            raise NotFound(self.not_found_message)
        self.note_modified([row])
        return row


def _id_or_none(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and 0 < int(text) < 2**31 else None


ID = OpenApiParameter("id", int, OpenApiParameter.PATH)
CODE = OpenApiParameter("code", str, OpenApiParameter.PATH)


def _dates(rows, query: dict, field: str, prefix: str):
    if f"{prefix}from" in query:
        rows = rows.filter(**{f"{field}__gte": params.date_param(query[f"{prefix}from"], f"{prefix}from")})
    if f"{prefix}to" in query:
        rows = rows.filter(**{f"{field}__lte": params.date_param(query[f"{prefix}to"], f"{prefix}to")})
    return rows


@extend_schema(
    tags=["Đơn vị hành chính"], parameters=[UNIT, LEVEL, LEGACY], responses={200: serializers.UnitSerializer, **ERRORS}
)
class UnitList(ApiListView):
    """Đơn vị hành chính trong phạm vi của khóa: hiện hành và đơn vị cũ (trước 01/07/2025) mà chúng kế thừa."""

    serializer_class = serializers.UnitSerializer
    filter_names = ("unit", "level", "legacy")

    def base_queryset(self):
        return selectors.api_units(self.request.user)

    def filtered(self, rows, query):
        if "unit" in query:
            rows = rows.filter(unit_scope_filter(params.unit_param(self.request.user, query["unit"])))
        if "level" in query:
            rows = rows.filter(level=params.level_param(query["level"]))
        if "legacy" in query:
            rows = rows.filter(valid_to__isnull=not params.bool_param(query["legacy"], "legacy"))
        return rows


@extend_schema(tags=["Đơn vị hành chính"], parameters=[CODE], responses={200: serializers.UnitSerializer, **ERRORS})
class UnitDetail(ApiDetailView):
    """Một đơn vị theo mã (đơn vị cũ: “~mã”)."""

    serializer_class = serializers.UnitSerializer

    def lookup(self, kwargs):
        return unit_visible_to(self.request.user, kwargs["code"][:11])

    @property
    def not_found_message(self):
        return _("Không tìm thấy đơn vị hành chính này hoặc bạn không có quyền xem.")


@extend_schema(
    tags=["Đơn vị hành chính"], parameters=[UNIT], responses={200: serializers.CrosswalkSerializer, **ERRORS}
)
class CrosswalkList(ApiListView):
    """Bảng chuyển đổi đơn vị cũ → mới (01/07/2025)."""

    serializer_class = serializers.CrosswalkSerializer
    filter_names = ("unit",)

    def base_queryset(self):
        return selectors.api_crosswalk(self.request.user)

    def filtered(self, rows, query):
        if "unit" in query:
            unit = params.unit_param(self.request.user, query["unit"])
            rows = rows.filter(unit.subtree_filter("legacy_unit" if unit.is_legacy else "current_unit"))
        return rows


@extend_schema(tags=["Đề án"], responses={200: serializers.ProgrammeSerializer, **ERRORS})
class ProgrammeList(ApiListView):
    """Đề án, kế hoạch mà khóa được xem (cấp Trung ương, cấp trên và trong phạm vi)."""

    serializer_class = serializers.ProgrammeSerializer

    def base_queryset(self):
        return selectors.api_programmes(self.request.user)


@extend_schema(tags=["Đề án"], parameters=[ID], responses={200: serializers.ProgrammeSerializer, **ERRORS})
class ProgrammeDetail(ApiDetailView):
    """Một đề án theo mã số."""

    serializer_class = serializers.ProgrammeSerializer

    def lookup(self, kwargs):
        pk = _id_or_none(kwargs["pk"])
        return None if pk is None else selectors.api_programmes(self.request.user).filter(pk=pk).first()

    @property
    def not_found_message(self):
        return _("Không tìm thấy đề án này hoặc bạn không có quyền xem.")


@extend_schema(
    tags=["Nhiệm vụ"],
    parameters=[UNIT, PROGRAMME, STATUS, DEADLINE_FROM, DEADLINE_TO],
    responses={200: serializers.TaskSerializer, **ERRORS},
)
class TaskList(ApiListView):
    """Nhiệm vụ “5 rõ” trong phạm vi, với trạng thái và thời hạn."""

    serializer_class = serializers.TaskSerializer
    filter_names = ("unit", "programme", "status", "deadline_from", "deadline_to")
    modified_field = "last_update_at"

    def base_queryset(self):
        return selectors.api_tasks(self.request.user)

    def filtered(self, rows, query):
        if "unit" in query:
            rows = rows.filter(unit_scope_filter(params.unit_param(self.request.user, query["unit"]), "unit"))
        if "programme" in query:
            rows = rows.filter(programme=params.programme_param(self.request.user, query["programme"]))
        if "status" in query:
            rows = rows.filter(current_status=params.choice_param(query["status"], "status", TaskStatus.values))
        return _dates(rows, query, "deadline", "deadline_")


@extend_schema(tags=["Nhiệm vụ"], parameters=[ID], responses={200: serializers.TaskSerializer, **ERRORS})
class TaskDetail(ApiDetailView):
    """Một nhiệm vụ theo mã số."""

    serializer_class = serializers.TaskSerializer
    modified_field = "last_update_at"

    def lookup(self, kwargs):
        pk = _id_or_none(kwargs["pk"])
        return None if pk is None else selectors.api_tasks(self.request.user).filter(pk=pk).first()

    @property
    def not_found_message(self):
        return _("Không tìm thấy nhiệm vụ này hoặc bạn không có quyền xem.")


def _snapshot_filters(view, rows, query):
    caller = view.request.user
    if "unit" in query:
        unit = params.unit_param(caller, query["unit"])
        rows = rows.filter(scope_path__startswith=unit.path) if unit.has_valid_path() else rows.none()
    if "level" in query:
        rows = rows.filter(unit__level=params.level_param(query["level"]))
    if "date" in query:
        rows = rows.filter(date=params.date_param(query["date"], "date"))
    return _dates(rows, query, "date", "date_")


@extend_schema(
    tags=["Số liệu tổng hợp"],
    parameters=[UNIT, PROGRAMME, LEVEL, DATE, DATE_FROM, DATE_TO],
    responses={200: serializers.CompletionSnapshotSerializer, **ERRORS},
)
class CompletionSnapshotList(ApiListView):
    """Số liệu tổng hợp nhiệm vụ Đề án 06 theo đơn vị và ngày (do lượt tính hằng đêm ghi).

    The nightly pull reads every commune of a date in one page (3,321 rows): rows are read as
    plain values and written by ``snapshot_rows``, the serializer's output field for field
    (tests/api/test_endpoints.py compares them), because DRF's per-field serializer costs about
    ten times the query on that page.
    """

    serializer_class = serializers.CompletionSnapshotSerializer
    filter_names = ("unit", "programme", "level", "date", "date_from", "date_to")
    modified_field = "computed_at"

    def base_queryset(self):
        return selectors.api_completion_snapshots(self.request.user)

    def filtered(self, rows, query):
        if "programme" in query:
            rows = rows.filter(programme=params.programme_param(self.request.user, query["programme"]))
        return _snapshot_filters(self, rows, query).values(*serializers.SNAPSHOT_VALUES)

    def note_modified(self, rows) -> None:
        times = [row["computed_at"] for row in rows]
        if times:
            self._last_modified = max(times)

    def list(self, request, *args, **kwargs):
        # An answer is kept per (token's unit scope, URL) and snapshot generation (api.answers).
        # The scope depends only on the token's unit, and the token itself was checked before this runs.
        self._keep_key = answers.kept_answer_key(request.auth.unit_id, request.build_absolute_uri())
        self._generation, self._answer = answers.kept_answer(self._keep_key)
        if self._answer is not None:
            return HttpResponse(content_type="application/json")  # the body is the kept answer's
        page = self.paginate_queryset(self.get_queryset())
        self.note_modified(page)
        return self.get_paginated_response(serializers.snapshot_rows(page))

    def answer_of(self, response) -> Answer:
        answer = super().answer_of(response)
        generation = getattr(self, "_generation", None)
        if generation is None:  # before the first recompute there is nothing to key it on
            return answer
        kept = answer.to_keep(generation)
        answers.keep_answer(self._keep_key, kept)
        return kept


@extend_schema(
    tags=["Số liệu tổng hợp"],
    parameters=[UNIT, CRITERIA_SET, LEVEL, DATE, DATE_FROM, DATE_TO],
    responses={200: serializers.PcccSnapshotSerializer, **ERRORS},
)
class PcccSnapshotList(ApiListView):
    """Số liệu tổng hợp PCCC theo mô hình, đơn vị và ngày: số tiêu chí đạt, số đơn vị đạt."""

    serializer_class = serializers.PcccSnapshotSerializer
    filter_names = ("unit", "criteria_set", "level", "date", "date_from", "date_to")
    modified_field = "computed_at"

    def base_queryset(self):
        return selectors.api_pccc_snapshots(self.request.user)

    def filtered(self, rows, query):
        if "criteria_set" in query:
            rows = rows.filter(criteria_set=_criteria_set_or_404(query["criteria_set"]))
        return _snapshot_filters(self, rows, query)


def _criteria_set_or_404(code: str):
    criteria_set = selectors.api_criteria_sets().filter(code=code[:50]).first()
    if criteria_set is None:
        raise NotFound(_("Không tìm thấy mô hình này."))
    return criteria_set


@extend_schema(tags=["PCCC"], responses={200: serializers.CriteriaSetSerializer, **ERRORS})
class CriteriaSetList(ApiListView):
    """Mô hình (bộ tiêu chí) và các tiêu chí đang áp dụng."""

    serializer_class = serializers.CriteriaSetSerializer

    def base_queryset(self):
        return selectors.api_criteria_sets()


@extend_schema(tags=["PCCC"], parameters=[CODE], responses={200: serializers.CriteriaSetSerializer, **ERRORS})
class CriteriaSetDetail(ApiDetailView):
    """Một mô hình theo mã."""

    serializer_class = serializers.CriteriaSetSerializer

    def lookup(self, kwargs):
        return selectors.api_criteria_sets().filter(code=kwargs["code"][:50]).first()

    @property
    def not_found_message(self):
        return _("Không tìm thấy mô hình này.")


@extend_schema(
    tags=["PCCC"],
    parameters=[UNIT, CRITERIA_SET, PERIOD],
    responses={200: serializers.AssessmentSerializer, **ERRORS},
)
class AssessmentList(ApiListView):
    """Giá trị tiêu chí PCCC theo đơn vị và kỳ, với kết luận đạt/chưa đạt (cùng quy tắc với các trang)."""

    serializer_class = serializers.AssessmentSerializer
    filter_names = ("unit", "criteria_set", "period")

    def base_queryset(self):
        return selectors.api_assessments(self.request.user)

    def filtered(self, rows, query):
        if "unit" in query:
            rows = rows.filter(unit_scope_filter(params.unit_param(self.request.user, query["unit"]), "unit"))
        if "criteria_set" in query:
            rows = rows.filter(criterion__criteria_set=_criteria_set_or_404(query["criteria_set"]))
        if "period" in query:
            rows = rows.filter(period=params.period_param(query["period"]))
        return rows
