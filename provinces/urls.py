from django.urls import path

from . import views

app_name = "provinces"

urlpatterns = [
    path("<str:code>/", views.unit_detail, name="unit_detail"),
]
