from django.urls import path

from . import views

app_name = "provinces"

urlpatterns = [
    # Before "<code>/": "tim-kiem" and "goi-y" are not unit codes.
    path("tim-kiem/", views.unit_search, name="unit_search"),
    path("goi-y/", views.unit_suggest, name="unit_suggest"),
    path("<str:code>/", views.unit_detail, name="unit_detail"),
]
