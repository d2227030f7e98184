from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .choices import UnitKind, UnitLevel

PATH_SEPARATOR = "/"


class AdministrativeUnitQuerySet(models.QuerySet):
    def current(self):
        return self.filter(valid_to__isnull=True)

    def descendants_of(self, unit: "AdministrativeUnit", *, include_self: bool = False):
        """Every unit below ``unit`` in one query (materialized path prefix)."""
        qs = self.filter(path__startswith=unit.path)
        return qs if include_self else qs.exclude(pk=unit.pk)

    def ancestors_of(self, unit: "AdministrativeUnit", *, include_self: bool = False):
        """Every unit above ``unit``, root first, in one query."""
        paths = unit.ancestor_paths(include_self=include_self)
        return self.filter(path__in=paths).order_by("level")


class AdministrativeUnit(models.Model):
    """A unit of the administrative tree (tỉnh/thành phố → xã/phường/đặc khu).

    ``path`` is the chain of official codes from the root, e.g. ``/01/00070/``;
    it makes "all units under X" a prefix match and "all ancestors of X" an IN
    lookup, one query each. Units replaced by a merger keep their row with
    ``valid_to`` set and point at their ``successor``.
    """

    code = models.CharField(_("mã đơn vị"), max_length=10)
    name = models.CharField(_("tên đơn vị"), max_length=200)
    kind = models.CharField(_("loại đơn vị"), max_length=20, choices=UnitKind.choices)
    level = models.PositiveSmallIntegerField(_("cấp"), choices=UnitLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("đường dẫn cây"), max_length=255, editable=False)
    codename = models.CharField(_("tên mã"), max_length=100, blank=True)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị kế thừa"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="predecessors",
    )

    objects = AdministrativeUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(valid_to__isnull=True),
                name="unit_code_unique_among_current",
            ),
            models.UniqueConstraint(
                fields=["path"],
                condition=models.Q(valid_to__isnull=True),
                name="unit_path_unique_among_current",
            ),
            models.CheckConstraint(condition=models.Q(kind__in=UnitKind.values), name="unit_kind_valid"),
            models.CheckConstraint(condition=models.Q(level__in=UnitLevel.values), name="unit_level_valid"),
        ]
        indexes = [
            models.Index(fields=["path"], name="unit_path_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["parent", "name"], name="unit_parent_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("provinces:unit_detail", kwargs={"code": self.code})

    @staticmethod
    def build_path(parent_path: str, code: str) -> str:
        return f"{parent_path or PATH_SEPARATOR}{code}{PATH_SEPARATOR}"

    def ancestor_paths(self, *, include_self: bool = False) -> list[str]:
        codes = self.path.strip(PATH_SEPARATOR).split(PATH_SEPARATOR)
        if not include_self:
            codes = codes[:-1]
        return [PATH_SEPARATOR + PATH_SEPARATOR.join(codes[: i + 1]) + PATH_SEPARATOR for i in range(len(codes))]

    def is_within(self, other: "AdministrativeUnit | None") -> bool:
        """True when this unit is ``other`` or below it; ``None`` means the whole country."""
        return other is None or self.path.startswith(other.path)
