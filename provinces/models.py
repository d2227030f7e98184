from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.db.models import Q
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .choices import KINDS_BY_LEVEL, PARENT_LEVELS, UnitKind, UnitLevel

PATH_SEPARATOR = "/"

# The path a unit must end with: its own code between separators (``/00070/``).
OWN_SEGMENT = Concat(models.Value(PATH_SEPARATOR), models.F("code"), models.Value(PATH_SEPARATOR))

PARENT_LEVEL_MESSAGES = {
    UnitLevel.PROVINCE: _("Đơn vị cấp tỉnh không có đơn vị cấp trên; hãy để trống ô đơn vị cấp trên."),
    UnitLevel.DISTRICT: _("Đơn vị cấp huyện phải trực thuộc một đơn vị cấp tỉnh."),
    UnitLevel.COMMUNE: _(
        "Đơn vị cấp xã phải trực thuộc một đơn vị cấp tỉnh (hoặc một đơn vị cấp huyện trước 01/07/2025)."
    ),
}


def path_is_well_formed(path: str, code: str | None, *, has_parent: bool | None) -> bool:
    """The shape the database constraint ``unit_path_follows_code`` enforces, checked in Python.

    A root's path is ``/code/``; any other unit's path is longer and ends with ``/code/``.
    ``None`` for a deferred field checks what can be checked without it (no extra query).
    """
    if not path or len(path) < 3 or not path.startswith(PATH_SEPARATOR) or not path.endswith(PATH_SEPARATOR):
        return False
    if PATH_SEPARATOR * 2 in path:
        return False
    if code is not None:
        own = f"{PATH_SEPARATOR}{code}{PATH_SEPARATOR}"
        if not code or PATH_SEPARATOR in code or not path.endswith(own):
            return False
    if has_parent is None:
        return True
    return (path.count(PATH_SEPARATOR) > 2) == has_parent


CYCLE_MESSAGE = _("Đơn vị cấp trên không thể là chính nó hoặc một đơn vị trực thuộc nó.")


class AdministrativeUnitQuerySet(models.QuerySet):
    def current(self):
        return self.filter(valid_to__isnull=True)

    def descendants_of(self, unit: "AdministrativeUnit", *, include_self: bool = False):
        """Every unit below ``unit`` in one query (materialized path prefix); none when its path is invalid."""
        qs = self.filter(unit.subtree_filter())
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
                violation_error_message=_("Mã đơn vị này đang được dùng cho một đơn vị đang có hiệu lực."),
            ),
            models.UniqueConstraint(
                fields=["path"],
                condition=models.Q(valid_to__isnull=True),
                name="unit_path_unique_among_current",
            ),
            # Every scope check is a prefix match on the path: a path that does not end with
            # the unit's own code (an empty one is a prefix of every path) would put the unit,
            # and its users, outside the tree or above all of it.
            models.CheckConstraint(
                condition=~Q(code="")
                & ~Q(code__contains=PATH_SEPARATOR)
                & Q(path__startswith=PATH_SEPARATOR, path__endswith=OWN_SEGMENT)
                & ~Q(path__contains=PATH_SEPARATOR * 2)
                & (Q(parent__isnull=True, path=OWN_SEGMENT) | (Q(parent__isnull=False) & ~Q(path=OWN_SEGMENT))),
                name="unit_path_follows_code",
                violation_error_message=_("Đường dẫn cây của đơn vị không khớp với mã và đơn vị cấp trên."),
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

    def save(self, *args, **kwargs):
        """Store the path that follows from the parent; when it changed, rewrite every path below.

        Here rather than only in a service because every scope check trusts the path: whatever
        writes a unit (admin, a service, the shell) must keep it, and the subtree, in step with
        the parent, in one transaction.
        """
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and not {"code", "parent", "parent_id", "path"} & set(update_fields):
            return super().save(*args, **kwargs)
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "path"}
        if self.parent_id is not None and self._parent_chain_contains_self():
            raise ValidationError({"parent": CYCLE_MESSAGE})
        self.path = self.path_from_parent()
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            stored_path = (
                None
                if self._state.adding
                else type(self)._base_manager.using(using).filter(pk=self.pk).values_list("path", flat=True).first()
            )
            super().save(*args, **kwargs)
            if stored_path is not None and stored_path != self.path:
                self._rewrite_paths_below(using)

    save.alters_data = True

    def get_absolute_url(self) -> str:
        return reverse("provinces:unit_detail", kwargs={"code": self.code})

    def clean(self):
        """Refuse a unit that would leave the tree; then derive its path from the parent."""
        errors: dict[str, list] = {}
        if self.code and PATH_SEPARATOR in self.code:
            errors.setdefault("code", []).append(_("Mã đơn vị không được chứa ký tự “/”."))
        elif self.code and self.valid_to is None:
            taken = type(self).objects.current().filter(code=self.code).exclude(pk=self.pk).first()
            if taken is not None:
                errors.setdefault("code", []).append(
                    _("Mã đơn vị %(code)s đang được dùng cho %(name)s.") % {"code": self.code, "name": taken.name}
                )
        if self.level in KINDS_BY_LEVEL and self.kind and self.kind not in KINDS_BY_LEVEL[self.level]:
            errors.setdefault("kind", []).append(
                _("“%(kind)s” không phải là loại đơn vị của %(level)s.")
                % {"kind": self.get_kind_display(), "level": str(self.get_level_display()).lower()}
            )
        errors_on_parent = self._parent_errors()
        if errors_on_parent:
            errors.setdefault("parent", []).extend(errors_on_parent)
        if self.pk is not None and self.level is not None:
            stored_level = type(self)._base_manager.filter(pk=self.pk).values_list("level", flat=True).first()
            if stored_level not in (None, self.level) and self.children.exists():
                errors.setdefault("level", []).append(
                    _("Không thể đổi cấp của đơn vị đang có đơn vị trực thuộc; hãy chuyển các đơn vị đó trước.")
                )
        if errors:
            raise ValidationError(errors)
        self.path = self.path_from_parent()

    def _parent_errors(self) -> list:
        if self.level not in PARENT_LEVELS:
            return []
        parent = self.parent if self.parent_id is not None else None
        if parent is None:
            return [] if not PARENT_LEVELS[self.level] else [PARENT_LEVEL_MESSAGES[self.level]]
        if self._parent_chain_contains_self():
            return [CYCLE_MESSAGE]
        errors = []
        if parent.level not in PARENT_LEVELS[self.level]:
            errors.append(PARENT_LEVEL_MESSAGES[self.level])
        if self.valid_to is None and parent.valid_to is not None:
            errors.append(_("Đơn vị cấp trên %(name)s đã hết hiệu lực.") % {"name": parent.name})
        if not parent.has_valid_path():
            errors.append(_("Đơn vị cấp trên %(name)s chưa có đường dẫn cây hợp lệ.") % {"name": parent.name})
        return errors

    def _parent_chain_contains_self(self) -> bool:
        """True when the parent is this unit or below it (follows the foreign keys, not the paths)."""
        if self.pk is None:
            return False
        seen = set()
        unit = self.parent
        while unit is not None and unit.pk not in seen:
            if unit.pk == self.pk:
                return True
            seen.add(unit.pk)
            unit = unit.parent
        return False

    def _rewrite_paths_below(self, using: str) -> None:
        """Give every unit below this one the path under this unit's new path (one UPDATE per 500 rows)."""
        manager = type(self)._base_manager.using(using)
        paths = {self.pk: self.path}
        parents = [self.pk]
        changed = []
        while parents:
            children = list(
                manager.filter(parent_id__in=parents).exclude(pk__in=paths).only("pk", "code", "parent_id", "path")
            )
            for child in children:
                child.path = self.build_path(paths[child.parent_id], child.code)
                paths[child.pk] = child.path
            changed.extend(children)
            parents = [child.pk for child in children]
        manager.bulk_update(changed, ["path"], batch_size=500)

    @staticmethod
    def path_under(parent: "AdministrativeUnit | None", code: str) -> str:
        """The one rule for a path: the parent's path followed by the unit's own code."""
        return AdministrativeUnit.build_path(parent.path if parent is not None else "", code)

    def path_from_parent(self) -> str:
        return self.path_under(self.parent if self.parent_id is not None else None, self.code)

    def has_valid_path(self) -> bool:
        """Whether the stored path has the shape the database enforces; scope checks fail closed without it."""
        fields = self.__dict__  # a field left out by .only() is not read: no query per unit
        has_parent = fields["parent_id"] is not None if "parent_id" in fields else None
        return path_is_well_formed(self.path, fields.get("code"), has_parent=has_parent)

    def subtree_filter(self, field: str = "") -> Q:
        """Rows whose unit (through ``field``, e.g. ``"unit"``) is this unit or below it.

        Matches nothing when this unit's path is invalid: an empty path is a prefix of every
        path, so trusting it would open the whole country.
        """
        if not self.has_valid_path():
            return Q(pk__in=[])
        return Q(**{f"{field}__path__startswith" if field else "path__startswith": self.path})

    @staticmethod
    def build_path(parent_path: str, code: str) -> str:
        return f"{parent_path or PATH_SEPARATOR}{code}{PATH_SEPARATOR}"

    def ancestor_paths(self, *, include_self: bool = False) -> list[str]:
        if not self.has_valid_path():
            return []
        codes = self.path.strip(PATH_SEPARATOR).split(PATH_SEPARATOR)
        if not include_self:
            codes = codes[:-1]
        return [PATH_SEPARATOR + PATH_SEPARATOR.join(codes[: i + 1]) + PATH_SEPARATOR for i in range(len(codes))]

    def is_within(self, other: "AdministrativeUnit | None") -> bool:
        """True when this unit is ``other`` or below it; ``None`` means the whole country.

        False whenever either path is invalid: a unit outside the tree is within nothing,
        and nothing is within it.
        """
        if not self.has_valid_path():
            return False
        return other is None or (other.has_valid_path() and self.path.startswith(other.path))
