from django.urls import path

from . import export_views, import_views, report_views, views

app_name = "exports"

urlpatterns = [
    path("", views.index, name="index"),
    path("nhiem-vu.xlsx", export_views.tasks_xlsx, name="tasks_xlsx"),
    path("pccc/<slug:set_code>/<str:unit_code>.xlsx", export_views.pccc_grid_xlsx, name="pccc_grid_xlsx"),
    path("xep-hang/<int:programme_id>/<str:code>.xlsx", export_views.ranking_xlsx, name="ranking_xlsx"),
    path("nhap-nhiem-vu/", import_views.task_import, name="task_import"),
    path("nhap-nhiem-vu/mau.xlsx", import_views.task_template, name="task_template"),
    path("nhap-pccc/", import_views.pccc_import, name="pccc_import"),
    path("bao-cao/", report_views.report_docx, name="report"),
    path("bao-cao/pdf/", report_views.report_pdf, name="report_pdf"),
]
