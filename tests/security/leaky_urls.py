"""A URL configuration with the three faults the walk must catch (used by its own tests only)."""

from django.http import Http404, HttpResponse
from django.urls import path

from tasks.models import Agency, Task


def shows_other_province(request):
    return HttpResponse(" ".join(Task.objects.values_list("title", flat=True)))


def writes_then_refuses(request):
    Agency.objects.create(name="Cơ quan ghi lén", kind="so_nganh")
    raise Http404


def breaks(request):
    raise ValueError("hỏng")


urlpatterns = [
    path("ro-ri/", shows_other_province, name="shows_other_province"),
    path("ghi/", writes_then_refuses, name="writes_then_refuses"),
    path("loi/", breaks, name="breaks"),
]
