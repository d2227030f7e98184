"""Receivers that turn authentication and account changes into audit events.

Signals, not services, because the writes happen in Django's and django-axes' code (login,
admin forms, ``user.groups.add``) that this project does not own; each receiver only records.
"""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver

from .choices import EventKind
from .client import client_ip
from .services import audit_record

User = get_user_model()

# Fields of the user whose change is a change of what they may do.
PERMISSION_FIELDS = ("is_active", "is_staff", "is_superuser")
WATCHED_FIELDS = (*PERMISSION_FIELDS, "unit_id", "password")


@receiver(user_logged_in, dispatch_uid="audit_login")
def record_login(sender, request, user, **kwargs):
    audit_record(kind=EventKind.LOGIN, request=request, user=user)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def record_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(kind=EventKind.LOGOUT, request=request, user=user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def record_login_failed(sender, credentials, request=None, **kwargs):
    """Kept as its own row: django-axes forgets its failures after a success, this does not."""
    username = str(credentials.get(User.USERNAME_FIELD) or credentials.get("username") or "")
    known = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first() if username else None
    audit_record(kind=EventKind.LOGIN_FAILED, request=request, user=known, username=username)


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def record_locked_out(sender, request, username, ip_address, **kwargs):
    known = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first() if username else None
    detail = {}
    if ip_address and ip_address != client_ip(request):
        detail["axes_ip_address"] = ip_address  # the address axes locked, when it reads another one
    audit_record(kind=EventKind.LOCKED_OUT, request=request, user=known, username=username or "", detail=detail)


# --- roles, permissions, unit ------------------------------------------------


def _group_names(pk_set) -> list[str]:
    return sorted(Group.objects.filter(pk__in=pk_set).values_list("name", flat=True))


def _permission_names(pk_set) -> list[str]:
    rows = Permission.objects.filter(pk__in=pk_set).values_list("content_type__app_label", "codename")
    return sorted(f"{app}.{codename}" for app, codename in rows)


def _record_m2m(kind, names_of, instance, action, reverse, pk_set, field, owners=None):
    """One event per changed owner (a user, or a group for its permissions), naming what changed."""
    owners = owners or User._default_manager
    if action == "pre_clear":
        # clear() does not say what it removed: remember it before.
        if not reverse:
            instance._audit_cleared = names_of(getattr(instance, field).values_list("pk", flat=True))
        return
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if reverse:
        # group.user_set.add(user, …): one event per user, naming the group.
        if action == "post_clear" or not pk_set:
            return
        change = "added" if action == "post_add" else "removed"
        for owner in owners.filter(pk__in=pk_set):
            audit_record(kind=kind, obj=owner, detail={change: names_of([instance.pk])})
        return
    if action == "post_clear":
        removed = getattr(instance, "_audit_cleared", [])
        if removed:
            audit_record(kind=kind, obj=instance, detail={"removed": removed})
        return
    if pk_set:
        change = "added" if action == "post_add" else "removed"
        audit_record(kind=kind, obj=instance, detail={change: names_of(pk_set)})


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="audit_groups")
def record_role_change(sender, instance, action, reverse, pk_set, **kwargs):
    _record_m2m(EventKind.ROLE_CHANGED, _group_names, instance, action, reverse, pk_set, "groups")


@receiver(m2m_changed, sender=User.user_permissions.through, dispatch_uid="audit_user_permissions")
def record_permission_change(sender, instance, action, reverse, pk_set, **kwargs):
    _record_m2m(EventKind.PERMISSION_CHANGED, _permission_names, instance, action, reverse, pk_set, "user_permissions")


@receiver(m2m_changed, sender=Group.permissions.through, dispatch_uid="audit_group_permissions")
def record_role_permission_change(sender, instance, action, reverse, pk_set, **kwargs):
    """What a role may do changes for everyone who has it."""
    _record_m2m(
        EventKind.PERMISSION_CHANGED, _permission_names, instance, action, reverse, pk_set, "permissions",
        owners=Group.objects,
    )  # fmt: skip


@receiver(pre_save, sender=User, dispatch_uid="audit_user_before")
def remember_user_before(sender, instance, update_fields=None, raw=False, **kwargs):
    """Read the stored values the save will replace (only when a watched field may change)."""
    instance._audit_before = None
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not {"unit_id" if f == "unit" else f for f in update_fields} & set(WATCHED_FIELDS):
        return  # e.g. last_login on every login: no extra query
    instance._audit_before = User._default_manager.filter(pk=instance.pk).values(*WATCHED_FIELDS).first()
    instance._audit_update_fields = update_fields


@receiver(post_save, sender=User, dispatch_uid="audit_user_after")
def record_user_change(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    if created:
        granted = {f: [None, True] for f in ("is_staff", "is_superuser") if getattr(instance, f)}
        if granted:
            audit_record(kind=EventKind.PERMISSION_CHANGED, obj=instance, detail=granted)
        return
    before = getattr(instance, "_audit_before", None)
    if not before:
        return
    instance._audit_before = None
    changed = {f: [before[f], getattr(instance, f)] for f in PERMISSION_FIELDS if before[f] != getattr(instance, f)}
    if changed:
        audit_record(kind=EventKind.PERMISSION_CHANGED, obj=instance, detail=changed)
    if before["unit_id"] != instance.unit_id:
        audit_record(
            kind=EventKind.UNIT_CHANGED, obj=instance,
            detail={"unit": [_unit_label(before["unit_id"]), _unit_label(instance.unit_id)]},
        )  # fmt: skip
    # A rehash on login (a stronger hasher) saves only the password: that is not a change by anyone.
    rehash = getattr(instance, "_audit_update_fields", None) is not None and set(instance._audit_update_fields) == {
        "password"
    }
    if before["password"] != instance.password and not rehash:
        audit_record(kind=EventKind.PASSWORD_CHANGED, obj=instance)


def _unit_label(unit_id) -> str | None:
    if unit_id is None:
        return None
    from provinces.models import AdministrativeUnit

    unit = AdministrativeUnit.objects.filter(pk=unit_id).only("code", "name").first()
    return f"{unit.code} {unit.name}" if unit else str(unit_id)
