from django.urls import path

from . import views

app_name = "pccc"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:set_code>/don-vi/<str:unit_code>/", views.unit_results, name="unit_results"),
    path("<slug:set_code>/nhap-lieu/<str:unit_code>/", views.assessment_grid, name="grid"),
]
