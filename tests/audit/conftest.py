# The task fixtures of tests/tasks (programme, agencies, tasks, a temporary MEDIA_ROOT).
from tests.tasks.conftest import agencies, haiphong_task, make_task, media_root, programme, task  # noqa: F401
