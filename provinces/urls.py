from django.urls import path

from . import views

app_name = "provinces"

urlpatterns = [
    # Before "<code>/": "tim-kiem" is not a unit code.
    path("tim-kiem/", views.unit_search, name="unit_search"),
    path("<str:code>/", views.unit_detail, name="unit_detail"),
]
