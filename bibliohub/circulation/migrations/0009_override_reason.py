from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("circulation", "0008_lost_charge_refunds"),
    ]

    operations = [
        migrations.AddField(
            model_name="hold",
            name="override_reason",
            field=models.CharField(
                blank=True, max_length=255, verbose_name="reason for the override"
            ),
        ),
        migrations.AddField(
            model_name="loan",
            name="override_reason",
            field=models.CharField(
                blank=True, max_length=255, verbose_name="reason for the override"
            ),
        ),
    ]
