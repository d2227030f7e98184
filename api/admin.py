"""Tokens are issued here (the secret shown once) and revoked; the public page opt-in is set here."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from adminscope.mixins import SuperuserOnlyAdminMixin

from .models import ApiToken, PublicResults
from .services import api_token_issue, api_token_revoke


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name", "unit", "expires_at"]


@admin.register(ApiToken)
class ApiTokenAdmin(SuperuserOnlyAdminMixin, admin.ModelAdmin):
    """National admins only: a token reads a whole subtree, so it is not a province admin's to grant."""

    form = ApiTokenForm
    list_display = ["name", "key_prefix", "unit", "expires_at", "revoked_at", "last_used_at"]
    list_select_related = ["unit"]
    search_fields = ["name", "key_prefix"]
    autocomplete_fields = ["unit"]
    readonly_fields = ["key_prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_change_permission(self, request, obj=None):
        # Once issued, only revoking changes a token (its scope and expiry stay as they were granted).
        return request.user.is_superuser and obj is None

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        token, secret = api_token_issue(
            name=obj.name, unit=obj.unit, expires_at=obj.expires_at, created_by=request.user
        )
        obj.pk = token.pk
        obj.__dict__.update(token.__dict__)
        messages.warning(
            request,
            _("Khóa API (chỉ hiển thị một lần, hãy sao chép ngay): %(secret)s") % {"secret": secret},
        )

    @admin.action(description=_("Thu hồi các khóa đã chọn"))
    def revoke(self, request, queryset):
        count = 0
        for token in queryset:
            api_token_revoke(token=token)
            count += 1
        self.message_user(
            request, ngettext("Đã thu hồi %(count)d khóa.", "Đã thu hồi %(count)d khóa.", count) % {"count": count}
        )

    def get_actions(self, request):
        # The revoke action needs the change permission by default; a superuser may always revoke.
        actions = super().get_actions(request)
        return actions if request.user.is_superuser else {}


@admin.register(PublicResults)
class PublicResultsAdmin(SuperuserOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["province"]
    autocomplete_fields = ["province"]
    filter_horizontal = ["programmes", "criteria_sets"]
