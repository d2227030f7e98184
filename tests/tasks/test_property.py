import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasks import services
from tasks.choices import TaskStatus
from tasks.models import ProgressUpdate

pytestmark = pytest.mark.django_db

typed_percent = st.one_of(
    st.integers(min_value=-1000, max_value=1000),
    st.text(max_size=6),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.none(),
    st.booleans(),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(percent=typed_percent)
def test_any_typed_percent_is_either_a_whole_number_0_to_100_or_refused(task, users, percent):
    """Whatever is typed, a report is saved with a whole 0–100 percent, or nothing is saved."""
    before = ProgressUpdate.objects.count()
    try:
        update = services.progress_report_submit(
            actor=users.officer_hanoi, task=task, percent=percent, status=TaskStatus.IN_PROGRESS
        )
    except ValidationError as error:
        assert "percent" in error.message_dict
        assert ProgressUpdate.objects.count() == before
    else:
        assert 0 <= update.percent <= 100
        assert ProgressUpdate.objects.count() == before + 1
        task.refresh_from_db()
        assert task.current_percent == update.percent
