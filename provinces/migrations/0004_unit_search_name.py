import re
import unicodedata

from django.db import migrations, models

# A copy of provinces.search.search_key (migrations import no app code): keep them in step.
KIND_WORDS = ("thanh pho", "thi tran", "dac khu", "thi xa", "phuong", "huyen", "tinh", "quan", "xa")


def search_key(name):
    text = unicodedata.normalize("NFD", (name or "").replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    folded = re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()
    for word in KIND_WORDS:
        if folded.startswith(word + " "):
            return folded[len(word) + 1 :]
    return folded


def fill_search_names(apps, schema_editor):
    Unit = apps.get_model("provinces", "AdministrativeUnit")
    units = list(Unit.objects.only("pk", "name"))
    for unit in units:
        unit.search_name = search_key(unit.name)
    Unit.objects.bulk_update(units, ["search_name"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("provinces", "0003_unit_path_follows_code"),
    ]

    operations = [
        migrations.AddField(
            model_name="administrativeunit",
            name="search_name",
            field=models.CharField(blank=True, default="", editable=False, max_length=200, verbose_name="tên tìm kiếm"),
        ),
        migrations.RunPython(fill_search_names, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="administrativeunit",
            index=models.Index(fields=["search_name"], name="unit_search_name_prefix", opclasses=["varchar_pattern_ops"]),
        ),
        migrations.AddIndex(
            model_name="administrativeunit",
            index=models.Index(fields=["code"], name="unit_code"),
        ),
    ]
