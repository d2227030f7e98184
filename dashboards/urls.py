from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("", views.dashboard_home, name="home"),
    path("<int:programme_id>/<str:code>/", views.unit_dashboard, name="unit_dashboard"),
    path("<int:programme_id>/<str:code>/tinh-so-lieu-ngay/", views.compute_day, name="compute_day"),
]
