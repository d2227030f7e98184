"""Everything the api app serves: the read API under /api/v1/ and the public pages under /cong-khai/."""

from django.urls import include, path

from . import public_views

urlpatterns = [
    path("api/v1/", include("api.urls")),
    path("cong-khai/<str:code>/", public_views.public_results, name="public_results"),
]
