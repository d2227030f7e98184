"""The JSON error bodies of the read API: ``{"detail": …}`` plus ``"parameter"`` for a bad query parameter."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers, status
from rest_framework.views import exception_handler


class ParameterError(exceptions.APIException):
    """A query parameter the API cannot use (unknown, malformed, out of range): 400 naming it."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("Tham số không hợp lệ.")
    default_code = "invalid_parameter"

    def __init__(self, parameter: str, detail):
        super().__init__(detail)
        self.parameter = parameter


def api_exception_handler(exc, context):
    """DRF's handler, then one shape for every error: ``detail`` (text) and, for 400, ``parameter``."""
    response = exception_handler(exc, context)
    if response is None:
        return None
    body = {"detail": str(exc.detail)}
    if isinstance(exc, ParameterError):
        body["parameter"] = exc.parameter
    response.data = body
    return response


class ErrorSerializer(serializers.Serializer):
    """An error answer (documentation only)."""

    detail = serializers.CharField()


class ParameterErrorSerializer(ErrorSerializer):
    """A 400 answer: which query parameter was refused and why (documentation only)."""

    parameter = serializers.CharField()
