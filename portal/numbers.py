# Kept for imports not yet moved (other branches may still add `from portal.numbers import …`):
# the number parser lives in ``inputs.numbers``. No logic here; import from ``inputs.numbers``.
from inputs.numbers import (  # noqa: F401
    MAX_TEXT_LENGTH,
    NumberError,
    NumberField,
    decimal_field_range,
    grouped,
    parse_number,
)
