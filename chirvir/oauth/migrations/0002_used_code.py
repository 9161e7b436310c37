# Which token each exchanged authorization code gave, so that a replay of the code revokes it.
# (Written by hand: makemigrations trips over DOT's swappable Application in this dependency.)

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('oauth', '0001_initial'),
        ('oauth2_provider', '0022_refreshtoken_token_family_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='UsedCode',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code_hash', models.CharField(db_index=True, max_length=64)),
                ('access_token_id', models.BigIntegerField()),
                ('token_family', models.UUIDField(null=True)),
                ('expires', models.DateTimeField()),
                ('application', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='oauth2_provider.application')),
            ],
        ),
    ]
