from django.urls import path

from . import views

app_name = "indicators"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:programme_id>/<str:code>/", views.unit_indicators, name="unit"),
    path("<int:programme_id>/<str:code>/nhap-so-lieu/", views.value_entry, name="entry"),
    path("<int:programme_id>/<str:code>/chi-tieu-giao/", views.target_grid, name="targets"),
    path("<int:programme_id>/<str:code>/loai-co-so/<int:indicator_id>/", views.category_entry, name="categories"),
    path("<int:programme_id>/<str:code>/xuat-excel/", views.export_xlsx, name="export"),
]
