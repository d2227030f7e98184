"""The names of the two task measures, one wording everywhere (issue 19 item 8).

Leaders read "hoàn thành" two ways: the weighted average of the tasks' progress (a task half
done counts half, a heavy task counts more) and the count of tasks finished and confirmed. Each
gets one name of its own, used by the pages, the exports and the meeting report alike; the
templates write the same two strings (one gettext entry each).
"""

from django.utils.translation import gettext_lazy as _lazy

WEIGHTED_PROGRESS = _lazy("Tiến độ bình quân (có trọng số)")
WEIGHTED_PROGRESS_PERCENT = _lazy("Tiến độ bình quân (có trọng số, %)")
TASKS_DONE = _lazy("Nhiệm vụ đã hoàn thành")


def tasks_done_text(done: int, total: int) -> str:
    """ "Nhiệm vụ đã hoàn thành 12/40": the count measure with its denominator, never alone."""
    return str(_lazy("Nhiệm vụ đã hoàn thành %(done)s/%(total)s") % {"done": done, "total": total})
