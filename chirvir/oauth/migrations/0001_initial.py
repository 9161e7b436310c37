# AppProfile, moved here from the api app: the api app's 0001 made its table, which it keeps
# (Meta.db_table), so this migration only tells Django's state where the model lives now.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('api', '0002_appprofile_moves_to_oauth'),
        ('oauth2_provider', '0022_refreshtoken_token_family_index'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='AppProfile',
                    fields=[
                        ('application', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='profile', serialize=False, to='oauth2_provider.application')),
                        ('scopes', models.TextField(default='read')),
                        ('website', models.URLField(blank=True, default='', max_length=2000)),
                    ],
                    options={
                        'db_table': 'api_appprofile',
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
