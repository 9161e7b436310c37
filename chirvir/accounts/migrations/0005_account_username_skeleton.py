"""Each account's username skeleton, for refusing look-alike usernames at sign-up; existing
accounts get theirs computed here."""

from django.db import migrations, models


def fill(apps, schema_editor):
    from chirvir.core.confusables import skeleton

    Account = apps.get_model("accounts", "Account")
    for account in Account.objects.only("id", "username").iterator():
        Account.objects.filter(pk=account.pk).update(username_skeleton=skeleton(account.username))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_time_zone")]

    operations = [
        migrations.AddField(
            model_name="account",
            name="username_skeleton",
            field=models.CharField(blank=True, db_index=True, default="", editable=False, max_length=120),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
