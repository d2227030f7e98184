"""What the database holds, and what a request wrote: the "nothing changed" checks of the attack tests."""

import hashlib
import re

from django.apps import apps

# Tables that record the attempt itself: a refused sign-in is logged (axes), and a request
# may open a session, and the audit log (issue 12 item 8) records refused attempts on objects
# (tests/audit prove those records). Everything else must be what it was.
ATTEMPT_RECORDS = {"axes", "sessions", "audit"}
# Fields that signing the test actor in changes before the request is made.
VOLATILE_FIELDS = {("portal", "user"): {"last_login"}}


def database_fingerprint() -> dict[str, str]:
    """A digest of every row of every table (but the attempt records), per model label."""
    digests = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.app_label in ATTEMPT_RECORDS:
            continue
        skip = VOLATILE_FIELDS.get((meta.app_label, meta.model_name), set())
        fields = [f.attname for f in meta.concrete_fields if f.name not in skip]
        rows = model._base_manager.order_by("pk").values_list(*fields)
        digests[meta.label] = hashlib.sha256(repr(list(rows)).encode()).hexdigest()
    return digests


def changed_models(before: dict, after: dict) -> list[str]:
    return sorted(label for label in before if before[label] != after.get(label))


_WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(\w+)"?', re.IGNORECASE)


def wrote_to_tables(queries) -> set[str]:
    """Tables (but the attempt records) that captured queries wrote to."""
    tables = {match[2] for q in queries if (match := _WRITE.match(q["sql"]))}
    attempt_tables = {m._meta.db_table for m in apps.get_models() if m._meta.app_label in ATTEMPT_RECORDS}
    return tables - attempt_tables


def refuse_nul_like_postgresql(execute, sql, params, many, context):
    """An execute wrapper: PostgreSQL refuses a NUL character in a string, SQLite stores it.

    Installed around a request on SQLite, it turns a NUL that reaches the database into the
    same error PostgreSQL raises, so that the 500 it causes there shows here too.
    """
    rows = (params or []) if many else [params or []]
    for row in rows:
        values = row.values() if isinstance(row, dict) else row
        if any(isinstance(value, str) and "\x00" in value for value in values):
            raise ValueError("A string literal cannot contain NUL (0x00) characters.")
    return execute(sql, params, many, context)
