from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.db.models import Q
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import KINDS_BY_LEVEL, PARENT_LEVELS, UnitKind, UnitLevel
from .search import search_key, search_terms

PATH_SEPARATOR = "/"

# Units of the structure before 1 July 2025 live under their own root segment (``/~/01/001/``)
# so that no prefix match on a current unit's path (``/01/``), which every scope check is,
# can reach them: old and new codes coincide (Hà Nội is "01" in both). A unit whose root has
# ended gets this prefix; "~" can never be a unit code.
LEGACY_ROOT_SEGMENT = "~"
LEGACY_PATH_PREFIX = f"{PATH_SEPARATOR}{LEGACY_ROOT_SEGMENT}"

# The path a unit must end with: its own code between separators (``/00070/``).
OWN_SEGMENT = Concat(models.Value(PATH_SEPARATOR), models.F("code"), models.Value(PATH_SEPARATOR))
# The path of a root of the legacy structure: ``/~/code/``.
LEGACY_ROOT_PATH = Concat(models.Value(LEGACY_PATH_PREFIX), OWN_SEGMENT)

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
    path = tree_part_of(path)
    if len(path) < 3:
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


def tree_part_of(path: str) -> str:
    """The path without the legacy root segment: ``/~/01/001/`` → ``/01/001/``."""
    legacy_root = LEGACY_PATH_PREFIX + PATH_SEPARATOR
    return path[len(LEGACY_PATH_PREFIX) :] if path.startswith(legacy_root) else path


def is_legacy_path(path: str) -> bool:
    return path.startswith(LEGACY_PATH_PREFIX + PATH_SEPARATOR)


CYCLE_MESSAGE = _("Đơn vị cấp trên không thể là chính nó hoặc một đơn vị trực thuộc nó.")


class AdministrativeUnitQuerySet(models.QuerySet):
    def current(self):
        return self.filter(valid_to__isnull=True)

    def legacy(self):
        """Units no longer in force (the structure before 1 July 2025, and any unit that ended since)."""
        return self.filter(valid_to__isnull=False)

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

    # The name folded for search (no diacritics, "đ" → "d", no kind word: "hai duong"), kept by
    # save() and the loaders: one indexed prefix match finds "Hải Dương" from "hai duong".
    search_name = models.CharField(_("tên tìm kiếm"), max_length=200, editable=False, default="", blank=True)

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
                fields=["code"],
                condition=models.Q(valid_to__isnull=False),
                name="unit_code_unique_among_legacy",
                violation_error_message=_("Mã đơn vị này đang được dùng cho một đơn vị đã hết hiệu lực."),
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
                & ~Q(code=LEGACY_ROOT_SEGMENT)
                & Q(path__startswith=PATH_SEPARATOR, path__endswith=OWN_SEGMENT)
                & ~Q(path__contains=PATH_SEPARATOR * 2)
                & (
                    Q(parent__isnull=True, path=OWN_SEGMENT)
                    # A root that ended lives under the legacy segment (an older row may still
                    # have the plain path until it is next saved).
                    | Q(parent__isnull=True, valid_to__isnull=False, path=LEGACY_ROOT_PATH)
                    | (Q(parent__isnull=False) & ~Q(path=OWN_SEGMENT) & ~Q(path=LEGACY_ROOT_PATH))
                ),
                name="unit_path_follows_code",
                violation_error_message=_("Đường dẫn cây của đơn vị không khớp với mã và đơn vị cấp trên."),
            ),
            models.CheckConstraint(condition=models.Q(kind__in=UnitKind.values), name="unit_kind_valid"),
            models.CheckConstraint(condition=models.Q(level__in=UnitLevel.values), name="unit_level_valid"),
        ]
        indexes = [
            models.Index(fields=["path"], name="unit_path_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["parent", "name"], name="unit_parent_name"),
            # The unit search: a prefix match on the folded name, an equality on the code.
            models.Index(fields=["search_name"], name="unit_search_name_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["code"], name="unit_code"),
        ]

    def __str__(self) -> str:
        # A legacy unit says so wherever it is shown (admin lists, autocomplete, form choices).
        if self.valid_to is not None:
            return str(_("%(name)s (cũ)") % {"name": self.name})
        return self.name

    def save(self, *args, **kwargs):
        """Store the path that follows from the parent; when it changed, rewrite every path below.

        Here rather than only in a service because every scope check trusts the path: whatever
        writes a unit (admin, a service, the shell) must keep it, and the subtree, in step with
        the parent, in one transaction.
        """
        self.search_name = search_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            update_fields = kwargs["update_fields"] = {*update_fields, "search_name"}
        if update_fields is not None and not {"code", "parent", "parent_id", "path", "valid_to"} & set(update_fields):
            using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
            with transaction.atomic(using=using):
                super().save(*args, **kwargs)
                if "name" in update_fields:
                    UnitSearchTerm.store_for([self], using=using)
            return None
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
            # The word-start search reads these rows: they follow the name whatever saved it.
            UnitSearchTerm.store_for([self], using=using)
            if stored_path is not None and stored_path != self.path:
                self._rewrite_paths_below(using)

    save.alters_data = True

    def get_absolute_url(self) -> str:
        # A legacy unit shares its code with a current one (Hà Nội is "01" in both) and has no
        # page of its own: it opens as a search result, with its chain and its successor.
        if self.is_legacy:
            return f"{reverse('provinces:unit_search')}?{urlencode({'q': self.code})}"
        return reverse("provinces:unit_detail", kwargs={"code": self.code})

    @property
    def is_legacy(self) -> bool:
        """True for a unit no longer in force (e.g. the structure before 1 July 2025)."""
        return self.valid_to is not None

    def parent_chain(self) -> list["AdministrativeUnit"]:
        """The units above this one, nearest first, as far as they were loaded (``select_related``)."""
        chain, unit = [], self
        while unit.parent_id is not None and AdministrativeUnit.parent.is_cached(unit):
            unit = unit.parent
            chain.append(unit)
        return chain

    def clean(self):
        """Refuse a unit that would leave the tree; then derive its path from the parent."""
        checks = (
            ("code", self._code_errors),
            ("kind", self._kind_errors),
            ("successor", self._successor_errors),
            ("parent", self._parent_errors),
            ("level", self._level_change_errors),
        )
        errors = {field: messages for field, check in checks if (messages := check())}
        if errors:
            raise ValidationError(errors)
        self.path = self.path_from_parent()

    def _code_errors(self) -> list:
        """A code is a path segment: no "/", not the legacy root "~", unique among units of its structure."""
        if self.code and PATH_SEPARATOR in self.code:
            return [_("Mã đơn vị không được chứa ký tự “/”.")]
        if self.code == LEGACY_ROOT_SEGMENT:
            return [_("Mã đơn vị không được là “~”.")]
        if not self.code:
            return []
        if self.valid_to is None:
            taken = type(self).objects.current().filter(code=self.code).exclude(pk=self.pk).first()
            if taken is not None:
                return [_("Mã đơn vị %(code)s đang được dùng cho %(name)s.") % {"code": self.code, "name": taken.name}]
            return []
        taken = type(self).objects.legacy().filter(code=self.code).exclude(pk=self.pk).first()
        if taken is not None:
            return [_("Mã đơn vị %(code)s đang được dùng cho %(name)s (cũ).") % {"code": self.code, "name": taken.name}]
        return []

    def _kind_errors(self) -> list:
        if self.level in KINDS_BY_LEVEL and self.kind and self.kind not in KINDS_BY_LEVEL[self.level]:
            return [
                _("“%(kind)s” không phải là loại đơn vị của %(level)s.")
                % {"kind": self.get_kind_display(), "level": str(self.get_level_display()).lower()}
            ]
        return []

    def _level_change_errors(self) -> list:
        """A unit with children keeps its level (its children would sit at the wrong one)."""
        if self.pk is None or self.level is None:
            return []
        stored_level = type(self)._base_manager.filter(pk=self.pk).values_list("level", flat=True).first()
        if stored_level not in (None, self.level) and self.children.exists():
            return [_("Không thể đổi cấp của đơn vị đang có đơn vị trực thuộc; hãy chuyển các đơn vị đó trước.")]
        return []

    def _successor_errors(self) -> list:
        """A successor carries this unit's records: it must be in force and must not lead back here."""
        if self.successor_id is None:
            return []
        successor = self.successor
        if successor.is_legacy:
            return [
                _("Đơn vị kế thừa %(name)s đã hết hiệu lực; hãy chọn một đơn vị đang có hiệu lực.")
                % {"name": successor.name}
            ]
        seen, unit = set(), successor
        while unit is not None and unit.pk not in seen:
            if unit.pk == self.pk:
                return [_("Đơn vị kế thừa này tạo thành vòng lặp.")]
            seen.add(unit.pk)
            unit = unit.successor if unit.successor_id is not None else None
        return []

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
    def path_under(parent: "AdministrativeUnit | None", code: str, *, legacy: bool = False) -> str:
        """The one rule for a path: the parent's path followed by the unit's own code.

        A root with ``legacy`` (it has ended) starts from the legacy segment: ``/~/01/``.
        """
        if parent is None and legacy:
            return AdministrativeUnit.build_path(LEGACY_PATH_PREFIX + PATH_SEPARATOR, code)
        return AdministrativeUnit.build_path(parent.path if parent is not None else "", code)

    def path_from_parent(self) -> str:
        return self.path_under(
            self.parent if self.parent_id is not None else None, self.code, legacy=self.valid_to is not None
        )

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
        root = LEGACY_PATH_PREFIX if is_legacy_path(self.path) else ""
        codes = tree_part_of(self.path).strip(PATH_SEPARATOR).split(PATH_SEPARATOR)
        if not include_self:
            codes = codes[:-1]
        return [root + PATH_SEPARATOR + PATH_SEPARATOR.join(codes[: i + 1]) + PATH_SEPARATOR for i in range(len(codes))]

    def is_within(self, other: "AdministrativeUnit | None") -> bool:
        """True when this unit is ``other`` or below it; ``None`` means the whole country.

        False whenever either path is invalid: a unit outside the tree is within nothing,
        and nothing is within it.
        """
        if not self.has_valid_path():
            return False
        return other is None or (other.has_valid_path() and self.path.startswith(other.path))


class UnitSearchTerm(models.Model):
    """One word start of a unit's folded name: "Huyện Giao Thủy" has "huyen giao thuy", "giao thuy", "thuy".

    The unit search is one indexed prefix match on ``term`` (``selectors.unit_search_filter``), so
    "thuy" finds "Giao Thủy" as fast as "giao" does. Derived data: ``AdministrativeUnit.save``
    and the loaders rewrite a unit's rows whenever its name is written.
    """

    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="search_terms"
    )
    term = models.CharField(_("từ khóa tìm kiếm"), max_length=200)

    class Meta:
        verbose_name = _("từ khóa tìm đơn vị")
        verbose_name_plural = _("từ khóa tìm đơn vị")
        constraints = [models.UniqueConstraint(fields=["unit", "term"], name="unit_search_term_unique")]
        indexes = [models.Index(fields=["term"], name="unit_search_term_prefix", opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return self.term

    @classmethod
    def store_for(cls, units, *, using: str | None = None) -> None:
        """Replace the terms of ``units`` (saved, with ``pk`` and ``name``) by those of their names."""
        manager = cls.objects.db_manager(using) if using else cls.objects
        units = [unit for unit in units if unit.pk is not None]
        for start in range(0, len(units), 500):
            batch = units[start : start + 500]
            manager.filter(unit_id__in=[unit.pk for unit in batch]).delete()
            manager.bulk_create(
                [cls(unit_id=unit.pk, term=term) for unit in batch for term in search_terms(unit.name)],
                batch_size=1000,
            )


class UnitCrosswalk(models.Model):
    """One row of the old→new map: a legacy unit and a current unit that took it over (or part of it).

    A legacy commune split between several new communes has one row per target, exactly one of
    them the default (``is_default``); the default is also stored as the legacy unit's
    ``successor``, which is what the rest of the portal reads (``selectors.successor_map``).
    Rows come from the data package; an admin may correct one, and then ``corrected`` keeps
    the loader from putting the package's mapping back. Changes are kept in ``history``.
    """

    legacy_unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị cũ"),
        on_delete=models.CASCADE,
        related_name="crosswalk_targets",
    )
    current_unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị hiện nay"),
        on_delete=models.PROTECT,
        related_name="crosswalk_sources",
    )
    is_default = models.BooleanField(
        _("đơn vị kế thừa mặc định"),
        default=False,
        help_text=_("Số liệu của đơn vị cũ được cộng vào đơn vị này."),
    )
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    corrected = models.BooleanField(
        _("đã hiệu chỉnh"),
        default=False,
        editable=False,
        help_text=_("Đã được quản trị viên sửa; lần nạp dữ liệu sau không ghi đè."),
    )

    history = HistoricalRecords(verbose_name=_("lịch sử bảng chuyển đổi"))

    class Meta:
        verbose_name = _("chuyển đổi đơn vị cũ → mới")
        verbose_name_plural = _("bảng chuyển đổi đơn vị cũ → mới")
        ordering = ["legacy_unit__path", "-is_default", "current_unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["legacy_unit", "current_unit"], name="crosswalk_pair_unique"),
            models.UniqueConstraint(
                fields=["legacy_unit"],
                condition=models.Q(is_default=True),
                name="crosswalk_one_default_per_legacy_unit",
                violation_error_message=_("Đơn vị cũ này đã có một đơn vị kế thừa mặc định."),
            ),
            models.CheckConstraint(
                condition=~models.Q(legacy_unit=models.F("current_unit")),
                name="crosswalk_not_to_itself",
                violation_error_message=_("Không thể chuyển một đơn vị sang chính nó."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.legacy_unit} → {self.current_unit}"

    def clean(self):
        """Refuse a map onto a unit that is itself legacy, from a current unit, or that closes a loop."""
        errors: dict[str, list] = {}
        legacy = self.legacy_unit if self.legacy_unit_id is not None else None
        target = self.current_unit if self.current_unit_id is not None else None
        if legacy is not None and not legacy.is_legacy:
            errors.setdefault("legacy_unit", []).append(
                _("%(name)s là đơn vị đang có hiệu lực, không phải đơn vị cũ.") % {"name": legacy.name}
            )
        if target is not None and target.is_legacy:
            errors.setdefault("current_unit", []).append(
                _("Không thể chuyển sang %(name)s: đơn vị này đã hết hiệu lực; hãy chọn một đơn vị đang có hiệu lực.")
                % {"name": target.name}
            )
        if legacy is not None and target is not None and self._closes_loop(legacy, target):
            errors.setdefault("current_unit", []).append(
                _("Chuyển %(legacy)s sang %(target)s sẽ tạo thành vòng lặp.")
                % {"legacy": legacy.name, "target": target.name}
            )
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def _closes_loop(legacy: AdministrativeUnit, target: AdministrativeUnit) -> bool:
        """True when following successors from ``target`` comes back to ``legacy`` (or it is the same unit)."""
        seen = set()
        unit = target
        while unit is not None and unit.pk not in seen:
            if unit.pk == legacy.pk:
                return True
            seen.add(unit.pk)
            unit = unit.successor if unit.successor_id is not None else None
        return False
