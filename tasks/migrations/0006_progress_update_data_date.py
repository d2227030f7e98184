from django.db import migrations, models
from django.utils import timezone

BATCH = 2000


def data_date_from_entry(apps, schema_editor):
    """Existing reports describe the day they were entered (local date in Asia/Ho_Chi_Minh)."""
    ProgressUpdate = apps.get_model("tasks", "ProgressUpdate")
    pending = []
    rows = ProgressUpdate.objects.filter(data_date__isnull=True).only("pk", "created_at").order_by("pk")
    for update in rows.iterator(chunk_size=BATCH):
        update.data_date = timezone.localdate(update.created_at)
        pending.append(update)
        if len(pending) >= BATCH:
            ProgressUpdate.objects.bulk_update(pending, ["data_date"])
            pending = []
    if pending:
        ProgressUpdate.objects.bulk_update(pending, ["data_date"])


class Migration(migrations.Migration):
    """A progress report's data date [ngày số liệu], distinct from its entry time."""

    dependencies = [
        ("tasks", "0005_block_reason_not_budgeted"),
    ]

    operations = [
        migrations.AddField(
            model_name="progressupdate",
            name="data_date",
            field=models.DateField(blank=True, null=True, verbose_name="ngày số liệu"),
        ),
        migrations.RunPython(data_date_from_entry, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="progressupdate",
            name="data_date",
            field=models.DateField(blank=True, verbose_name="ngày số liệu"),
        ),
        migrations.AddIndex(
            model_name="progressupdate",
            index=models.Index(fields=["task", "-data_date", "-created_at", "-id"], name="update_task_as_of"),
        ),
        migrations.AddIndex(
            model_name="progressupdate",
            index=models.Index(
                condition=models.Q(("kind", "bao_cao"), ("status__in", ("hoan_thanh", "hoan_thanh_qua_han")), _negated=True),
                fields=["task", "-data_date", "-created_at", "-id"],
                name="update_task_official_as_of",
            ),
        ),
    ]
