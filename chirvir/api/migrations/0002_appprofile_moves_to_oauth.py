# AppProfile now belongs to the oauth app (chirvir/oauth/models.py); its table and rows stay.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('api', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='AppProfile')],
            database_operations=[],
        ),
    ]
