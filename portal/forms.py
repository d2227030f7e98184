from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.forms import AdminUserCreationForm, AuthenticationForm, PasswordChangeForm, UserChangeForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    # One message whether or not the username exists, so logins cannot be probed.
    error_messages = {
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: mật khẩu phân biệt chữ hoa, chữ thường."),
        "inactive": _("Tài khoản này đã bị khóa. Hãy liên hệ quản trị viên."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Tên đăng nhập")
        # Django sets the field's max_length after construction, so it is not checked on the server:
        # a longer name reached authenticate() and axes' 255-character column (a 500 on PostgreSQL).
        self.fields["username"].validators.append(MaxLengthValidator(self.fields["username"].max_length))
        self.fields["password"].label = _("Mật khẩu")
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Đăng nhập"), css_class="w-100"))


class PortalPasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Đổi mật khẩu")))


class NationalOrUnitForm(forms.Form):
    """The admin's user forms: a unit is required unless "Cấp Trung ương" is ticked (issue 19 item 11).

    An empty unit means the whole country (``User.is_national``); before this box an admin who forgot
    the unit made a national user without meaning to. Both are checked only when the form carries
    both fields (a provincial admin's form has no box: the unit is required there anyway; an admin's
    own account has the unit read-only).
    """

    national = forms.BooleanField(
        label=_("Cấp Trung ương"),
        required=False,
        help_text=_("Người dùng cấp Trung ương xem được toàn quốc và không gắn với đơn vị nào."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if "national" in self.fields and instance is not None and instance.pk is not None:
            self.fields["national"].initial = instance.unit_id is None

    def clean(self):
        data = super().clean()
        if "national" not in self.fields or "unit" not in self.fields:
            return data
        if data.get("national") and data.get("unit") is not None:
            self.add_error(
                "unit",
                _("Người dùng cấp Trung ương không gắn với đơn vị: hãy bỏ chọn đơn vị hoặc bỏ dấu “Cấp Trung ương”."),
            )
        elif not data.get("national") and data.get("unit") is None and "unit" not in self.errors:
            self.add_error(
                "unit",
                _("Hãy chọn đơn vị của người dùng, hoặc đánh dấu “Cấp Trung ương” nếu người này xem được toàn quốc."),
            )
        return data


class UserAdminChangeForm(NationalOrUnitForm, UserChangeForm):
    pass


class UserAdminCreationForm(NationalOrUnitForm, AdminUserCreationForm):
    pass
