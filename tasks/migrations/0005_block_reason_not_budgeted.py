from django.db import migrations, models

REASONS = [
    ("cho_huong_dan_tw", "Chờ hướng dẫn của Trung ương"),
    ("co_che_chinh_sach", "Vướng mắc về cơ chế, chính sách"),
    ("kinh_phi", "Thiếu kinh phí"),
    ("chua_bo_tri_kinh_phi", "Chưa bố trí kinh phí"),
    ("ha_tang", "Hạ tầng, thiết bị chưa đáp ứng"),
    ("du_lieu", "Dữ liệu chưa được kết nối, đồng bộ"),
    ("khac", "Lý do khác"),
]


class Migration(migrations.Migration):
    """A new reason, "chưa bố trí kinh phí" (also given for tasks not started yet)."""

    dependencies = [
        ("tasks", "0004_task_programme_deadline_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicaltask",
            name="current_block_reason",
            field=models.CharField(
                blank=True, choices=REASONS, editable=False, max_length=30, verbose_name="lý do vướng mắc"
            ),
        ),
        migrations.AlterField(
            model_name="progressupdate",
            name="block_reason",
            field=models.CharField(blank=True, choices=REASONS, max_length=30, verbose_name="lý do vướng mắc"),
        ),
        migrations.AlterField(
            model_name="task",
            name="current_block_reason",
            field=models.CharField(
                blank=True, choices=REASONS, editable=False, max_length=30, verbose_name="lý do vướng mắc"
            ),
        ),
    ]
