# Kept for imports not yet moved (other branches may still add `from portal.admin_scope import …`):
# the admin scoping lives in ``adminscope.mixins``. No logic here; import from ``adminscope.mixins``.
from adminscope.mixins import (  # noqa: F401
    DELETE_EXAMPLES,
    DELETE_LISTING_LIMIT,
    NationalOnlyAdminMixin,
    NationalWritesAdminMixin,
    SummarisedDeleteAdminMixin,
    SuperuserOnlyAdminMixin,
    UnitScopedAdminMixin,
    is_national_admin,
    unit_scope_q,
    units_in_scope,
)
