from django.urls import path, re_path

# Detail routes take any segment, so that a malformed id or code gets the API's JSON 404, not the HTML page.
from . import docs_views, views

app_name = "api"

urlpatterns = [
    path("schema/", docs_views.SchemaView.as_view(), name="schema"),
    path("tai-lieu/", docs_views.api_docs, name="docs"),
    path("units/", views.UnitList.as_view(), name="unit_list"),
    re_path(r"^units/(?P<code>[^/]+)/$", views.UnitDetail.as_view(), name="unit_detail"),
    path("crosswalk/", views.CrosswalkList.as_view(), name="crosswalk_list"),
    path("programmes/", views.ProgrammeList.as_view(), name="programme_list"),
    re_path(r"^programmes/(?P<pk>[^/]+)/$", views.ProgrammeDetail.as_view(), name="programme_detail"),
    path("tasks/", views.TaskList.as_view(), name="task_list"),
    re_path(r"^tasks/(?P<pk>[^/]+)/$", views.TaskDetail.as_view(), name="task_detail"),
    path("snapshots/", views.CompletionSnapshotList.as_view(), name="snapshot_list"),
    path("pccc-snapshots/", views.PcccSnapshotList.as_view(), name="pccc_snapshot_list"),
    path("criteria-sets/", views.CriteriaSetList.as_view(), name="criteria_set_list"),
    re_path(r"^criteria-sets/(?P<code>[^/]+)/$", views.CriteriaSetDetail.as_view(), name="criteria_set_detail"),
    path("assessments/", views.AssessmentList.as_view(), name="assessment_list"),
]
