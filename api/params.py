"""Parsing of the API's query parameters: each bad value is a 400 naming the parameter.

A unit or programme outside the caller's scope is a 404, the same answer as one that does not
exist, so that a token cannot probe another province.
"""

import datetime

from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound

from pccc.periods import InvalidPeriod, Period
from provinces.choices import UnitLevel
from provinces.selectors import unit_visible_to
from tasks.selectors import programmes_visible_to

from .errors import ParameterError

# Parameters every list accepts besides its filters.
PAGINATION_PARAMETERS = {"cursor", "page_size"}


def refuse_unknown(query_params, allowed: set[str]) -> None:
    """400 for the first parameter the endpoint does not know (a typo must not silently widen a pull)."""
    for name in query_params:
        if name not in allowed:
            raise ParameterError(name, _("Tham số không được hỗ trợ: %(name)s.") % {"name": name})


def unit_param(caller, value: str, name: str = "unit"):
    """The unit with this code (``~code`` for a legacy unit) in the caller's scope, or 404."""
    if not value or len(value) > 11:
        raise ParameterError(name, _("Mã đơn vị không hợp lệ."))
    unit = unit_visible_to(caller, value)
    if unit is None:
        raise NotFound(_("Không tìm thấy đơn vị hành chính này hoặc bạn không có quyền xem."))
    return unit


def int_param(value: str, name: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ParameterError(name, _("%(name)s phải là số nguyên.") % {"name": name}) from None
    if not 1 <= number <= 2**31 - 1:
        raise ParameterError(name, _("%(name)s nằm ngoài phạm vi cho phép.") % {"name": name})
    return number


def programme_param(caller, value: str, name: str = "programme"):
    """A programme id the caller may see, or 404."""
    programme = programmes_visible_to(caller).filter(pk=int_param(value, name)).first()
    if programme is None:
        raise NotFound(_("Không tìm thấy đề án này hoặc bạn không có quyền xem."))
    return programme


def date_param(value: str, name: str) -> datetime.date:
    """An ISO date (YYYY-MM-DD)."""
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ParameterError(name, _("%(name)s phải là ngày dạng YYYY-MM-DD.") % {"name": name}) from None


def period_param(value: str, name: str = "period") -> str:
    """A period key: 2026-03 (month), 2026-Q1 (quarter), 2026 (year)."""
    try:
        return Period.parse(value).key
    except InvalidPeriod:
        raise ParameterError(name, _("%(name)s phải có dạng 2026-03, 2026-Q1 hoặc 2026.") % {"name": name}) from None


def choice_param(value: str, name: str, choices) -> str:
    if value not in choices:
        raise ParameterError(
            name, _("%(name)s phải là một trong: %(values)s.") % {"name": name, "values": ", ".join(choices)}
        )
    return value


def level_param(value: str, name: str = "level") -> int:
    level = int_param(value, name)
    if level not in UnitLevel.values:
        raise ParameterError(name, _("%(name)s phải là 1 (tỉnh), 2 (huyện) hoặc 3 (xã).") % {"name": name})
    return level


def bool_param(value: str, name: str) -> bool:
    return choice_param(value, name, ["true", "false"]) == "true"
