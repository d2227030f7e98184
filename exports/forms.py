"""Forms of the import and report pages: field validation and layout only."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inputs.widgets import DayMonthYearInput, FileChooserInput
from pccc.models import CriteriaSet
from pccc.periods import InvalidPeriod, Period
from provinces.choices import UnitLevel
from provinces.selectors import units_visible_to
from provinces.widgets import UnitChoiceField
from tasks.selectors import programmes_visible_to

INVALID_CHOICE = _("Lựa chọn không hợp lệ hoặc ngoài phạm vi của bạn.")


def _unit_field(user, label):
    return UnitChoiceField(
        label=label,
        # Current units only: a legacy unit may share a code ("01"), and choices are keyed on codes.
        queryset=units_visible_to(user).filter(valid_to__isnull=True).order_by("path"),
        to_field_name="code",
        error_messages={"invalid_choice": INVALID_CHOICE, "required": _("Hãy chọn đơn vị.")},
    )


class _UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp Excel (.xlsx)"),
        help_text=_("Tối đa 5 MB, đúng các cột của mẫu, không có công thức, macro hay ô gộp."),
        widget=FileChooserInput(attrs={"accept": ".xlsx"}),
    )

    def __init__(self, *args, submit_label, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", submit_label))


class TaskImportForm(_UploadForm):
    """Programme and unit the tasks go into, and the filled-in template."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, submit_label=_("Kiểm tra tệp"), **kwargs)
        self.fields["programme"] = forms.ModelChoiceField(
            label=_("Đề án, kế hoạch"),
            queryset=programmes_visible_to(user),
            error_messages={"invalid_choice": INVALID_CHOICE, "required": _("Hãy chọn đề án.")},
        )
        self.fields["unit"] = _unit_field(user, _("Đơn vị"))
        self.order_fields(["programme", "unit", "file"])


def _period(value: str) -> Period:
    try:
        period = Period.parse(value)
    except InvalidPeriod:
        raise forms.ValidationError(_("Kỳ báo cáo không hợp lệ (ví dụ 2026-03, 2026-Q1, 2026-H1, 2026).")) from None
    if period.is_future(timezone.localdate()):
        raise forms.ValidationError(_("Chưa đến kỳ báo cáo này."))
    return period


class PcccImportForm(_UploadForm):
    """Criteria set, unit and period the values are for, and the filled-in grid file."""

    ky = forms.CharField(
        label=_("Kỳ báo cáo"),
        help_text=_("Ví dụ: 2026-03 (tháng), 2026-Q1 (quý), 2026-H1 (6 tháng đầu năm), 2026 (năm)."),
    )
    cap = forms.TypedChoiceField(
        label=_("Cấp đơn vị trong tệp"),
        choices=[("", _("Cấp thấp nhất có tiêu chí")), *UnitLevel.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, submit_label=_("Kiểm tra tệp"), **kwargs)
        self.fields["criteria_set"] = forms.ModelChoiceField(
            label=_("Mô hình"), queryset=CriteriaSet.objects.filter(is_active=True), to_field_name="code"
        )
        self.fields["unit"] = _unit_field(user, _("Đơn vị"))
        self.order_fields(["criteria_set", "unit", "ky", "cap", "file"])

    def clean_ky(self):
        return _period(self.cleaned_data["ky"])


class ReportForm(forms.Form):
    """Programme, unit and period of a meeting report [báo cáo sơ kết]."""

    ky = forms.CharField(label=_("Kỳ báo cáo"), help_text=_("Ví dụ: 2026-Q3, 2026-06 hoặc 2026."))
    so_van_ban = forms.CharField(label=_("Số văn bản"), required=False, max_length=40, initial="")
    # The figures "tính đến ngày" this day (as on the dashboard's ?ngay=); empty: the latest.
    ngay = forms.DateField(
        label=_("Số liệu tính đến ngày"),
        required=False,
        widget=DayMonthYearInput(),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text=_("Để trống là số liệu mới nhất."),
        error_messages={"invalid": _("Ngày không hợp lệ: hãy chọn ngày theo dạng ngày/tháng/năm.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"] = forms.ModelChoiceField(
            label=_("Đề án, kế hoạch"),
            queryset=programmes_visible_to(user),
            error_messages={"invalid_choice": INVALID_CHOICE},
        )
        self.fields["unit"] = _unit_field(user, _("Đơn vị"))
        self.order_fields(["programme", "unit", "ky", "ngay", "so_van_ban"])
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.add_input(Submit("tai", _("Tải báo cáo (.docx)")))
        self.helper.add_input(
            Submit("pdf", _("Tải bản PDF"), css_class="btn-outline-primary", formaction=reverse("exports:report_pdf"))
        )

    def clean_ky(self):
        return _period(self.cleaned_data["ky"])

    def clean_ngay(self):
        day = self.cleaned_data.get("ngay")
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError(_("Không có số liệu của ngày trong tương lai."))
        return day
