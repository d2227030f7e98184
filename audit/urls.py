from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("dang-nhap-gan-day/", views.recent_logins, name="recent_logins"),
]
