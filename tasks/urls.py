from django.urls import path

from . import views

app_name = "tasks"

urlpatterns = [
    path("", views.my_tasks, name="my_tasks"),
    path("tao-moi/", views.task_create, name="task_create"),
    path("cho-xac-nhan/", views.verification_queue, name="verification_queue"),
    path("sao-chep/", views.programme_copy, name="programme_copy"),
    path("minh-chung/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("<int:pk>/", views.task_detail, name="task_detail"),
    path("<int:pk>/sua/", views.task_edit, name="task_edit"),
    path("<int:pk>/xac-nhan/", views.task_verify, name="task_verify"),
    path("<int:pk>/tra-lai/", views.task_return, name="task_return"),
    path("<int:pk>/mo-lai/", views.task_reopen, name="task_reopen"),
    path("<int:pk>/trao-doi/", views.task_comment_add, name="task_comment_add"),
    path("<int:pk>/gia-han/", views.deadline_extension_request, name="deadline_extension_request"),
    path("gia-han/<int:pk>/quyet-dinh/", views.deadline_extension_decide, name="deadline_extension_decide"),
]
