from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from adminscope.mixins import NationalOnlyAdminMixin, SuperuserOnlyAdminMixin, UnitScopedAdminMixin, is_national_admin
from roles.choices import roles_grantable_by

from .forms import UserAdminChangeForm, UserAdminCreationForm
from .mfa_admin import reset_two_factor
from .models import User

# Fields that make a user more than their roles: only a superuser sees or sets them.
SUPERUSER_ONLY_FIELDS = ("is_staff", "is_superuser", "user_permissions")
# What an administrator never changes on their own account (a superuser may).
OWN_ACCOUNT_LOCKED_FIELDS = ("unit", "groups", "is_active")


@admin.register(User)
class UserAdmin(UnitScopedAdminMixin, DjangoUserAdmin):
    """Users of the admin's subtree. A non-superuser grants only roles below their own and
    manages only accounts whose every role is below their own (never a superuser): the
    password form of any other account answers 403, of an account outside the subtree 404."""

    form = UserAdminChangeForm
    add_form = UserAdminCreationForm
    list_display = ["username", "full_name", "unit", "position", "is_active", "is_staff"]
    list_filter = ["groups", "is_active", "is_staff", "unit__kind"]
    search_fields = ["username", "full_name", "email", "unit__name", "unit__code"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]
    actions = [reset_two_factor]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Thông tin cá nhân"), {"fields": ("full_name", "position", "email", "phone")}),
        (_("Phạm vi và vai trò"), {"fields": ("national", "unit", "groups", "is_active", "is_staff", "is_superuser")}),
        (_("Quyền riêng"), {"classes": ("collapse",), "fields": ("user_permissions",)}),
        (_("Mốc thời gian"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "national", "unit", "groups", "password1", "password2"),
            },
        ),
    )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        # The form is built from these fieldsets, so a posted is_superuser=on is not even read; only
        # a national admin makes a national user (the box is not offered to a provincial admin).
        # On one's own account the unit is read-only, and so the box that stands for "no unit" goes.
        own_account = obj is not None and obj.pk == request.user.pk
        hidden = (
            *SUPERUSER_ONLY_FIELDS,
            *(() if is_national_admin(request.user) and not own_account else ("national",)),
        )
        kept = []
        for name, options in fieldsets:
            fields = [field for field in options["fields"] if field not in hidden]
            if fields:
                kept.append((name, {**options, "fields": fields}))
        return kept

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        # A declared field stays in the form whatever the fieldsets say: drop the box where it is not shown.
        if "national" not in flatten_fieldsets(self.get_fieldsets(request, obj)):
            form.base_fields.pop("national", None)
        return form

    def get_list_display(self, request):
        columns = super().get_list_display(request)
        return columns if request.user.is_superuser else [c for c in columns if c not in SUPERUSER_ONLY_FIELDS]

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        return filters if request.user.is_superuser else [f for f in filters if f not in SUPERUSER_ONLY_FIELDS]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk and not request.user.is_superuser:
            readonly += OWN_ACCOUNT_LOCKED_FIELDS
        return readonly

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=roles_grantable_by(request.user)).order_by("name")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _manages_account(self, request, account) -> bool:
        """A non-superuser manages their own account and those ranked below them."""
        editor = request.user
        if editor.is_superuser or account is None or account.pk is None or account.pk == editor.pk:
            return True
        if account.is_superuser or account.user_permissions.exists():
            return False
        return account.role_names <= roles_grantable_by(editor)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._manages_account(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.pk == request.user.pk and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj) and self._manages_account(request, obj)


# Group permissions decide what every holder of a role may do: superusers only.
admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(SuperuserOnlyAdminMixin, DjangoGroupAdmin):
    """Roles and their permissions: only a superuser sees or changes them."""


# Login attempts name accounts and addresses of the whole country and carry no unit: whatever a
# group is granted, only national admins read them.
for _model in (AccessAttempt, AccessLog, AccessFailureLog):
    if admin.site.is_registered(_model):
        _registered = type(admin.site._registry[_model])
        admin.site.unregister(_model)
        admin.site.register(_model, type(_registered.__name__, (NationalOnlyAdminMixin, _registered), {}))
