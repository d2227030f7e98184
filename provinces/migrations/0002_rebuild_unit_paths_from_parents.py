"""Give every unit the path that follows from its parent, before the database starts enforcing it.

Units added in admin were saved with an empty path (a prefix of every path), and units moved
in admin kept their old path. The next migration adds the constraint these rows would break.
"""

from django.db import migrations

SEPARATOR = "/"


def rebuild_paths(apps, schema_editor):
    Unit = apps.get_model("provinces", "AdministrativeUnit")
    rows = {pk: (code, parent_id, path) for pk, code, parent_id, path in Unit.objects.values_list("pk", "code", "parent_id", "path")}
    bad_codes = sorted(code for code, _parent, _path in rows.values() if not code or SEPARATOR in code)
    if bad_codes:
        raise RuntimeError(
            "Units with an empty code or a code containing '/' cannot have a path; correct them first: "
            + ", ".join(repr(code) for code in bad_codes)
        )
    wanted: dict[int, str] = {}
    for pk in rows:
        chain = []
        current = pk
        while current is not None and current not in wanted:
            if current in chain:
                codes = ", ".join(rows[unit][0] for unit in chain)
                raise RuntimeError(f"These units are each other's parents (a cycle); set a correct parent first: {codes}")
            chain.append(current)
            current = rows[current][1]
        prefix = wanted[current] if current is not None else SEPARATOR
        for unit in reversed(chain):
            prefix = f"{prefix}{rows[unit][0]}{SEPARATOR}"
            wanted[unit] = prefix
    changed = [Unit(pk=pk, path=path) for pk, path in wanted.items() if rows[pk][2] != path]
    Unit.objects.bulk_update(changed, ["path"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("provinces", "0001_initial")]

    operations = [migrations.RunPython(rebuild_paths, migrations.RunPython.noop)]
