"""Forms of the tasks pages: validation of single fields and layout only; rules live in services."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from inputs.numbers import NumberField, decimal_field_range
from inputs.widgets import DayMonthYearInput, FileChooserInput
from provinces.selectors import units_visible_to
from provinces.widgets import UnitChoiceField, UnitChoiceIterator, UnitOrLegacyUnitChoiceField, UnitSelect

from .choices import REPORTABLE_STATUSES, BlockReason, TaskStatus
from .evidence import check_evidence_count, check_evidence_file
from .models import Task
from .selectors import (
    BOTTLENECK_ALL,
    BOTTLENECK_LOCAL,
    agencies_visible_to,
    communes_of_province_of,
    people_visible_to,
    programmes_visible_to,
    tasks_visible_to,
    units_for_tasks,
)

REQUIRED = _("Thông tin này là bắt buộc.")


class MultipleFileInput(FileChooserInput):
    """Several files in the portal's file box ("Chọn tệp", the chosen names), never the browser's words."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several evidence files in one input."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(upload, initial) for upload in uploads]


class IdsMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several rows chosen by id; an id past the database's 64-bit range is an invalid choice.

    Django looks the ids up with ``pk__in``, which on SQLite raises OverflowError (a 500) for
    an id of 2^63 or more; a forged post must get the form's message instead.
    """

    def _check_values(self, value):
        for pk in value if isinstance(value, list | tuple) else ():
            digits = str(pk).strip().removeprefix("-")
            if digits.isdecimal() and (len(digits) > 19 or int(digits) >= 2**63):
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super()._check_values(value)


class ProgressReportForm(forms.Form):
    """The officer's report [báo cáo tiến độ]; kept bound on error so nothing typed is lost."""

    percent = forms.IntegerField(
        label=_("Tỷ lệ hoàn thành (%)"),
        min_value=0,
        max_value=100,
        # A text box: a browser's number box drops or rewrites what it cannot read in its own locale.
        widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "3", "autocomplete": "off"}),
        error_messages={
            "required": _("Hãy nhập tỷ lệ hoàn thành."),
            "invalid": _("Tỷ lệ hoàn thành phải là một số nguyên từ 0 đến 100."),
            "min_value": _("Tỷ lệ hoàn thành không được nhỏ hơn 0%%."),
            "max_value": _("Tỷ lệ hoàn thành không được lớn hơn 100%%."),
        },
    )
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        choices=REPORTABLE_STATUSES,
        error_messages={"required": REQUIRED, "invalid_choice": _("Trạng thái không hợp lệ.")},
    )
    data_date = forms.DateField(
        label=_("Ngày số liệu"),
        required=False,
        widget=DayMonthYearInput(),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text=_("Ngày mà số liệu báo cáo phản ánh; để trống là hôm nay."),
        error_messages={"invalid": _("Ngày số liệu không hợp lệ; hãy nhập theo dạng ngày/tháng/năm.")},
    )
    block_reason = forms.ChoiceField(
        label=_("Lý do vướng mắc hoặc chưa triển khai"),
        choices=[("", "---------"), *BlockReason.choices],
        required=False,
        error_messages={"invalid_choice": _("Lý do vướng mắc không hợp lệ.")},
    )
    note = forms.CharField(
        label=_("Nội dung, kết quả thực hiện"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
        error_messages={"max_length": _("Nội dung báo cáo tối đa %(limit_value)d ký tự.")},
    )
    evidence = MultipleFileField(
        label=_("Tệp minh chứng"),
        required=False,
        help_text=_("Chấp nhận PDF, JPEG, PNG, DOCX hoặc XLSX (kiểm tra theo nội dung tệp); chọn được nhiều tệp."),
    )

    def __init__(self, *args, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["data_date"].initial = timezone.localdate  # read per form: today in Asia/Ho_Chi_Minh
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.form_id = "bao-cao"
        self.helper.add_input(Submit("submit", _("Gửi báo cáo")))

    def clean_evidence(self):
        uploads = self.cleaned_data.get("evidence") or []
        check_evidence_count(uploads)  # before any file is read
        errors = []
        for upload in uploads:
            try:
                check_evidence_file(upload)
            except ValidationError as error:
                errors.append(error)  # with its code: a size refusal makes the page a 413
        if errors:
            raise ValidationError(errors)
        return self.cleaned_data.get("evidence") or []

    def clean(self):
        data = super().clean()
        if data.get("status") == TaskStatus.BLOCKED and not data.get("block_reason"):
            self.add_error("block_reason", _("Hãy chọn lý do vướng mắc."))
        return data


class ReasonForm(forms.Form):
    """A reason for returning a completion report or reopening a task."""

    reason = forms.CharField(
        label=_("Lý do"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Hãy nêu lý do.")},
    )


class TaskForm(forms.ModelForm):
    """Create or edit a task [giao nhiệm vụ]; choices limited to the coordinator's scope."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # The portal's one number parser: "2,5" as Vietnamese write it, bounded by the column.
    weight = NumberField(
        label=capfirst(Task._meta.get_field("weight").verbose_name),
        initial=1,
        **decimal_field_range(Task._meta.get_field("weight")),
    )

    class Meta:
        model = Task
        fields = [
            "programme",
            "unit",
            "group",
            "title",
            "description",
            "expected_result",
            "lead_agency",
            "coordinating_agencies",
            "accountable_person",
            "start_date",
            "deadline",
            "weight",
            "parent",
        ]
        # One pass over the scope's units, grouped by province (a national user has 3,355 of them).
        # A task of before 1 July 2025 (a 2023 plan) may be on a legacy unit, found by typing its name.
        field_classes = {"unit": UnitOrLegacyUnitChoiceField, "coordinating_agencies": IdsMultipleChoiceField}
        widgets = {
            # dd/mm/yyyy typed as text, never the browser's localised date box (issue 19 item 9).
            "start_date": DayMonthYearInput,
            "deadline": DayMonthYearInput,
            "description": forms.Textarea(attrs={"rows": 3}),
            "expected_result": forms.Textarea(attrs={"rows": 2}),
            "coordinating_agencies": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, user, submit_label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes_visible_to(user)
        # Current units are listed; legacy ones in scope are accepted (the services refuse one for a
        # task due after 30/06/2025, naming the unit that took it over).
        self.fields["unit"].queryset = units_visible_to(user).order_by("path")
        self.fields["lead_agency"].queryset = agencies_visible_to(user)
        self.fields["coordinating_agencies"].queryset = agencies_visible_to(user)
        self.fields["accountable_person"].queryset = people_visible_to(user)
        self.fields["accountable_person"].label_from_instance = lambda u: f"{u.get_full_name()} ({u.username})"
        self.fields["parent"].queryset = tasks_visible_to(user).order_by("title")
        for field in self.fields.values():
            field.error_messages.setdefault("required", REQUIRED)
            field.error_messages["required"] = REQUIRED
            field.error_messages["invalid_choice"] = _("Lựa chọn không hợp lệ hoặc ngoài phạm vi của bạn.")
            if not isinstance(field, NumberField):  # its messages say what is wrong with the number
                field.error_messages["invalid"] = _("Giá trị không hợp lệ.")
            if isinstance(field, forms.DateField):
                field.error_messages["invalid"] = _(
                    "Ngày không hợp lệ: hãy nhập theo dạng dd/mm/yyyy, ví dụ 31/12/2026."
                )
            elif isinstance(field, forms.DecimalField):
                field.error_messages["invalid"] = _("Hãy nhập một số, ví dụ 1 hoặc 2,5.")
        self.fields["coordinating_agencies"].help_text = _("Giữ phím Ctrl (hoặc Cmd) để chọn nhiều cơ quan.")
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("programme", css_class="col-md-4"), Column("unit", css_class="col-md-4"),
                Column("group", css_class="col-md-4")),
            "title",
            Row(Column("description", css_class="col-md-6"), Column("expected_result", css_class="col-md-6")),
            Row(Column("lead_agency", css_class="col-md-6"), Column("accountable_person", css_class="col-md-6")),
            "coordinating_agencies",
            Row(Column("start_date", css_class="col-md-3"), Column("deadline", css_class="col-md-3"),
                Column("weight", css_class="col-md-2"), Column("parent", css_class="col-md-4")),
            "version",
        )  # fmt: skip
        self.helper.add_input(Submit("submit", submit_label))


class UnitMultipleSelect(UnitSelect):
    """``UnitSelect`` choosing several units (the copy's targets), with the same type-to-filter box."""

    allow_multiple_selected = True

    def __init__(self, attrs=None, choices=()):
        super().__init__({"multiple": True, "size": 10, **(attrs or {})}, choices)

    def value_from_datadict(self, data, files, name):
        return forms.SelectMultiple.value_from_datadict(self, data, files, name)

    def value_omitted_from_data(self, data, files, name):
        return False  # an empty multiple select sends nothing: not "left out of the form"


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several units of ``queryset`` (the user's scope), grouped by province like ``UnitChoiceField``."""

    widget = UnitMultipleSelect
    iterator = UnitChoiceIterator
    legacy_by_search = False


class CopyTasksForm(forms.Form):
    """Copy a programme's task list to several units (or every commune) or another year's programme."""

    source_programme = forms.ModelChoiceField(label=_("Đề án nguồn"), queryset=None)
    source_unit = UnitChoiceField(label=_("Đơn vị nguồn"), queryset=None)
    target_programme = forms.ModelChoiceField(label=_("Đề án đích (cùng năm hoặc năm khác)"), queryset=None)
    target_units = UnitMultipleChoiceField(
        label=_("Các đơn vị đích"),
        queryset=None,
        required=False,
        help_text=_("Giữ phím Ctrl (hoặc Cmd) để chọn nhiều đơn vị."),
    )
    all_communes = forms.BooleanField(
        label=_("Tất cả xã, phường của tỉnh, thành phố có đơn vị nguồn"),
        required=False,
        help_text=_("Thay cho việc chọn từng đơn vị đích; đơn vị nguồn được bỏ qua."),
    )
    fallback_lead_agency = forms.ModelChoiceField(
        label=_("Cơ quan chủ trì thay thế"),
        queryset=None,
        required=False,
        help_text=_("Dùng cho nhiệm vụ có cơ quan chủ trì không thuộc đơn vị đích."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for name in ("source_programme", "target_programme"):
            self.fields[name].queryset = programmes_visible_to(user)
        for name in ("source_unit", "target_units"):
            self.fields[name].queryset = units_for_tasks(user)
        self.fields["fallback_lead_agency"].queryset = agencies_visible_to(user)
        for field in self.fields.values():
            field.error_messages["required"] = REQUIRED
            field.error_messages["invalid_choice"] = _("Lựa chọn không hợp lệ hoặc ngoài phạm vi của bạn.")
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Xem trước")))

    def clean(self):
        data = super().clean()
        source_unit = data.get("source_unit")
        if data.get("all_communes") and source_unit is not None:
            same_programme = data.get("source_programme") == data.get("target_programme")
            data["target_units"] = [
                unit
                for unit in communes_of_province_of(self.user, source_unit)
                if not (same_programme and unit.pk == source_unit.pk)
            ]
        elif not data.get("target_units") and "target_units" not in self.errors:
            self.add_error("target_units", _("Hãy chọn ít nhất một đơn vị đích, hoặc chọn tất cả xã, phường."))
        return data

    def copy_kwargs(self) -> dict:
        """The service's keyword arguments (the targets as a list in tree order)."""
        data = dict(self.cleaned_data)
        data.pop("all_communes", None)
        data["target_units"] = sorted(data["target_units"], key=lambda unit: unit.path)
        return data


class TaskFilterForm(forms.Form):
    """Filters of "Việc của tôi"."""

    scope = forms.ChoiceField(
        label=_("Phạm vi"),
        choices=[("mine", _("Việc giao cho tôi và cơ quan tôi")), ("unit", _("Toàn bộ nhiệm vụ của đơn vị"))],
        required=False,
    )
    programme = forms.ModelChoiceField(label=_("Đề án"), queryset=None, required=False, empty_label=_("Tất cả"))
    status = forms.ChoiceField(label=_("Trạng thái"), choices=[("", _("Tất cả")), *TaskStatus.choices], required=False)
    overdue = forms.BooleanField(label=_("Quá hạn"), required=False)
    due_soon = forms.BooleanField(label=_("Đến hạn trong 7 ngày"), required=False)
    # Set by the dashboards' "và N nhiệm vụ khác" links; kept as hidden fields when filtering again.
    unit = forms.CharField(label=_("Đơn vị"), required=False, max_length=20, widget=forms.HiddenInput)
    lead_agency = forms.IntegerField(label=_("Cơ quan chủ trì"), required=False, widget=forms.HiddenInput)
    data_date = forms.DateField(
        label=_("Ngày số liệu"),
        required=False,
        widget=DayMonthYearInput(),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text=_("Ngày mà số liệu báo cáo phản ánh; để trống là hôm nay."),
        error_messages={"invalid": _("Ngày số liệu không hợp lệ; hãy nhập theo dạng ngày/tháng/năm.")},
    )
    block_reason = forms.ChoiceField(
        label=_("Lý do vướng mắc hoặc chưa triển khai"),
        choices=[("", ""), *BlockReason.choices],
        required=False,
        widget=forms.HiddenInput,
    )
    bottleneck = forms.ChoiceField(
        label=_("Điểm nghẽn"),
        choices=[
            ("", ""),
            (BOTTLENECK_ALL, _("Quá hạn hoặc vướng mắc")),
            (BOTTLENECK_LOCAL, _("Quá hạn hoặc vướng mắc (trừ chờ hướng dẫn của Trung ương)")),
        ],
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, programmes, default_scope: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["scope"].initial = default_scope

    def selector_kwargs(self, *, default_scope: str) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        programme = data.get("programme")
        return {
            "scope": data.get("scope") or default_scope,
            "programme_id": programme.pk if programme else None,
            "status": data.get("status") or "",
            "overdue": bool(data.get("overdue")),
            "due_soon": bool(data.get("due_soon")),
            "unit_code": data.get("unit") or "",
            "lead_agency_id": data.get("lead_agency"),
            "block_reason": data.get("block_reason") or "",
            "bottleneck": data.get("bottleneck") or "",
        }


# Task list (issue 19, "find any task"): the values of the sort and page-size selects.
SORT_DEADLINE = "han"
SORT_DEADLINE_LATEST = "han-muon-nhat"
SORT_MOST_OVERDUE = "qua-han-nhieu-nhat"
PAGE_SIZES = [20, 50, 100, 200]
DEFAULT_PAGE_SIZE = 50


class TaskListForm(TaskFilterForm):
    """The task list's filters: those of "Việc của tôi" plus search, commune, sort, page size and grouping.

    A GET form: every filter lives in the URL, so a list can be shared and the back button works.
    The commune chooser offers only the user's scope; another province's code is an invalid choice.
    """

    q = forms.CharField(label=_("Tìm nhiệm vụ"), required=False, max_length=200)
    commune = UnitChoiceField(
        label=_("Xã, phường, đơn vị"), queryset=None, required=False, to_field_name="code", empty_label=_("Tất cả")
    )
    sort = forms.ChoiceField(
        label=_("Sắp xếp"),
        choices=[
            (SORT_DEADLINE, _("Thời hạn gần nhất trước")),
            (SORT_DEADLINE_LATEST, _("Thời hạn xa nhất trước")),
            (SORT_MOST_OVERDUE, _("Quá hạn nhiều ngày nhất trước")),
        ],
        required=False,
    )
    per_page = forms.TypedChoiceField(
        label=_("Số dòng mỗi trang"),
        choices=[(size, size) for size in PAGE_SIZES],
        coerce=int,
        required=False,
        empty_value=DEFAULT_PAGE_SIZE,
    )
    group = forms.BooleanField(label=_("Gộp nhiệm vụ giống nhau giữa các đơn vị"), required=False)
    # Set by a group's link: the tasks of one title across units.
    title = forms.CharField(label=_("Nhiệm vụ"), required=False, max_length=500, widget=forms.HiddenInput)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound and not self.data.get("per_page"):
            # The select must show the size the list really uses, not its first option.
            self.data = self.data.copy()
            self.data["per_page"] = str(DEFAULT_PAGE_SIZE)
        self.fields["per_page"].initial = DEFAULT_PAGE_SIZE
        self.fields["commune"].queryset = units
        self.fields["commune"].widget.attrs["data-filter-placeholder"] = _("Gõ tên xã, phường để lọc")

    def selector_kwargs(self, *, default_scope: str) -> dict:
        kwargs = super().selector_kwargs(default_scope=default_scope)
        data = self.cleaned_data if self.is_valid() else {}
        commune = data.get("commune")
        if commune is not None:
            kwargs["unit_code"] = commune.code
        kwargs["search"] = data.get("q") or ""
        kwargs["title"] = data.get("title") or ""
        kwargs["sort"] = data.get("sort") or SORT_DEADLINE
        return kwargs

    @property
    def page_size(self) -> int:
        return (self.cleaned_data.get("per_page") if self.is_valid() else None) or DEFAULT_PAGE_SIZE

    @property
    def grouped(self) -> bool:
        return bool(self.is_valid() and self.cleaned_data.get("group"))


class TaskCommentForm(forms.Form):
    """A message of the task's discussion [trao đổi]."""

    body = forms.CharField(
        label=_("Nội dung trao đổi"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": _("Hãy nhập nội dung trao đổi."), "max_length": _("Tối đa %(limit_value)d ký tự.")},
    )


class ExtensionRequestForm(forms.Form):
    """An officer's request for a new deadline, with a reason [đề nghị gia hạn]."""

    requested_deadline = forms.DateField(
        label=_("Thời hạn đề nghị"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=DayMonthYearInput(),
        error_messages={
            "required": REQUIRED,
            "invalid": _("Ngày không hợp lệ: hãy nhập theo dạng dd/mm/yyyy, ví dụ 31/12/2026."),
        },
    )
    reason = forms.CharField(
        label=_("Lý do đề nghị gia hạn"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Hãy nêu lý do đề nghị gia hạn.")},
    )


class ExtensionDecisionForm(forms.Form):
    """The coordinator's answer to a request for a new deadline; a refusal needs a reason (checked by the service)."""

    decision = forms.ChoiceField(
        choices=[("dong-y", _("Đồng ý gia hạn")), ("tu-choi", _("Không đồng ý"))],
        error_messages={"required": REQUIRED, "invalid_choice": _("Lựa chọn không hợp lệ.")},
    )
    decision_note = forms.CharField(label=_("Ý kiến"), required=False, max_length=2000)

    @property
    def approves(self) -> bool:
        return self.cleaned_data.get("decision") == "dong-y"
