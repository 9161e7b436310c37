# When each access token was last used, for the connected apps page.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('oauth', '0002_used_code'),
    ]

    operations = [
        migrations.CreateModel(
            name='TokenUse',
            fields=[
                ('access_token_id', models.BigIntegerField(primary_key=True, serialize=False)),
                ('last_used', models.DateTimeField()),
            ],
        ),
    ]
