"""API tokens for integrations (IOC, the national reporting system) and the public results opt-in."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from provinces.choices import UnitLevel


class ApiToken(models.Model):
    """A bearer token of the read API [khóa API], bound to a unit's subtree (None: national) until it expires.

    Only the SHA-256 of the secret is stored: the secret is shown once, when an admin issues
    it (``services.api_token_issue``). ``key_prefix`` is the secret's first characters, so an
    admin can tell which token a caller holds without the secret. Revoking keeps the row
    (``revoked_at``), so the logs still name the token.
    """

    name = models.CharField(_("tên (hệ thống sử dụng)"), max_length=150, help_text=_("Ví dụ: IOC Hà Nội"))
    unit = models.ForeignKey(
        "provinces.AdministrativeUnit",
        verbose_name=_("phạm vi đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="api_tokens",
        help_text=_(
            "Khóa chỉ đọc được số liệu của đơn vị này và các đơn vị trực thuộc. "
            "Để trống: toàn quốc (chỉ cấp cho hệ thống báo cáo cấp Trung ương)."
        ),
    )
    key_prefix = models.CharField(_("tiền tố khóa"), max_length=12, editable=False, db_index=True)
    key_hash = models.CharField(_("mã băm của khóa"), max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người cấp"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("khóa API")
        verbose_name_plural = _("khóa API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    def is_usable(self, now=None) -> bool:
        """Not revoked and not expired."""
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now


class PublicResults(models.Model):
    """A province's opt-in to the public results page ``/cong-khai/<mã tỉnh>/`` [trang công khai].

    Only the programmes and criteria sets chosen here are shown, from snapshots only; a
    province with no row, or with nothing chosen, has no public page (404).
    """

    province = models.OneToOneField(
        "provinces.AdministrativeUnit",
        verbose_name=_("tỉnh, thành phố"),
        on_delete=models.CASCADE,
        related_name="public_results",
        limit_choices_to={"level": UnitLevel.PROVINCE, "valid_to__isnull": True},
    )
    programmes = models.ManyToManyField(
        "tasks.Programme", verbose_name=_("đề án công khai"), blank=True, related_name="+"
    )
    criteria_sets = models.ManyToManyField(
        "pccc.CriteriaSet", verbose_name=_("mô hình PCCC công khai"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("trang công khai kết quả")
        verbose_name_plural = _("trang công khai kết quả")
        ordering = ["province__code"]

    def __str__(self) -> str:
        return str(self.province)

    def get_absolute_url(self) -> str:
        # Admin's "Xem trên trang" opens the public page from the opt-in it governs.
        return reverse("public_results", kwargs={"code": self.province.code})
