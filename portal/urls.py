from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import mfa_views, views
from .forms import LoginForm, PortalPasswordChangeForm

admin.site.site_header = _("Cổng theo dõi Đề án 06 và Tỉnh an toàn PCCC")
admin.site.site_title = _("Quản trị cổng theo dõi")
admin.site.index_title = _("Quản trị hệ thống")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "dang-nhap/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "doi-mat-khau/",
        auth_views.PasswordChangeView.as_view(form_class=PortalPasswordChangeForm),
        name="password_change",
    ),
    path("doi-mat-khau/xong/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("tai-khoan/", include("audit.urls")),
    path("xac-thuc-hai-buoc/", mfa_views.mfa_setup, name="mfa_setup"),
    path("xac-thuc-hai-buoc/xac-minh/", mfa_views.mfa_verify, name="mfa_verify"),
    path("xac-thuc-hai-buoc/ma-du-phong/", mfa_views.mfa_backup_codes, name="mfa_backup_codes"),
    path("phien/gia-han/", views.session_keepalive, name="session_keepalive"),
    path("don-vi/", views.unit_tree, name="unit_tree"),
    path("don-vi/", include("provinces.urls")),
    path("dieu-phoi/", views.coordinator_board, name="coordinator_board"),
    path("nhiem-vu/", include("tasks.urls")),
    path("pccc/", include("pccc.urls")),
    path("chi-tieu/", include("indicators.urls")),
    path("bang-dieu-khien/", include("dashboards.urls")),
    path("xuat-nhap/", include("exports.urls")),
    path("thong-bao/", include("notifications.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("api.site_urls")),
    path("admin/", admin.site.urls),
]
