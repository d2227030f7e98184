"""Pages of two-factor login: enrol (QR code and secret), verify after the password, backup codes."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from . import mfa
from .security import MFA_ENROLLED_KEY


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Mã xác thực"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


def next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    allowed = {request.get_host()}
    if url_has_allowed_host_and_scheme(candidate, allowed_hosts=allowed, require_https=request.is_secure()):
        return candidate
    return "/"


@login_required
@require_http_methods(["GET", "POST"])
def mfa_verify(request):
    """The second step after the password: a code from the app, or a backup code."""
    if request.user.is_verified():
        return redirect(next_url(request))
    if not mfa.mfa_enrolled(request.user):
        # Devices removed by an admin since login: enrol again.
        request.session[MFA_ENROLLED_KEY] = False
        return redirect(_url("mfa_setup", next_url(request)))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = mfa.mfa_verify(user=request.user, token=form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                messages.warning(
                    request,
                    _("Bạn vừa dùng một mã dự phòng; còn %(left)s mã. Hãy tạo bộ mã mới nếu sắp hết.")
                    % {"left": mfa.backup_codes_left(request.user)},
                )
            return redirect(next_url(request))
        form.add_error(
            "token", _("Mã không đúng hoặc đã hết hạn. Nếu nhập sai nhiều lần, hãy chờ một lúc rồi thử lại.")
        )
    return render(request, "registration/mfa_verify.html", {"form": form, "next": next_url(request)})


@login_required
@require_http_methods(["GET", "POST"])
def mfa_setup(request):
    """Enrol an authenticator app: QR code and the secret to type by hand, then one code to confirm."""
    if mfa.mfa_enrolled(request.user) and not request.user.is_verified():
        return redirect(_url("mfa_verify", next_url(request)))
    device = mfa.totp_enrolment_start(user=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.totp_enrolment_confirm(user=request.user, token=form.cleaned_data["token"])
        if codes is not None:
            confirmed = mfa.TOTPDevice.objects.get(user=request.user, confirmed=True)
            otp_login(request, confirmed)
            request.session[MFA_ENROLLED_KEY] = True
            messages.success(request, _("Đã bật xác thực hai bước."))
            return render(request, "registration/mfa_backup_codes.html", {"codes": codes, "next": next_url(request)})
        form.add_error("token", _("Mã không đúng. Kiểm tra giờ trên điện thoại rồi nhập mã đang hiện."))
    return render(
        request,
        "registration/mfa_setup.html",
        {
            "form": form,
            "qr_svg": mfa.qr_code_svg(device.config_url),
            "secret": mfa.totp_secret(device),
            "enrolled": mfa.mfa_enrolled(request.user),
            "required": mfa.mfa_required_for(request.user),
            "backup_codes_left": mfa.backup_codes_left(request.user),
            "next": next_url(request),
        },
    )


@login_required
@require_POST
def mfa_backup_codes(request):
    """A new set of backup codes (only in a session that passed the second step)."""
    if not request.user.is_verified():
        return redirect(_url("mfa_verify", reverse("mfa_setup")))
    codes = mfa.backup_codes_regenerate(user=request.user)
    return render(request, "registration/mfa_backup_codes.html", {"codes": codes, "next": _url("mfa_setup")})


def _url(name: str, next_to: str | None = None) -> str:
    url = reverse(name)
    return f"{url}?{urlencode({'next': next_to})}" if next_to else url
