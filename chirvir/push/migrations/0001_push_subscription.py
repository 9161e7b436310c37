# Written by hand: makemigrations cannot resolve django-oauth-toolkit's swappable token model
# without an OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL setting, which Chirvir does not swap.

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0004_time_zone"),
        ("oauth2_provider", "0022_refreshtoken_token_family_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="PushSubscription",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("endpoint", models.URLField(max_length=2000)),
                ("key_p256dh", models.CharField(max_length=100)),
                ("key_auth", models.CharField(max_length=40)),
                ("alerts", models.JSONField(default=dict)),
                (
                    "policy",
                    models.CharField(
                        choices=[("all", "All"), ("followed", "Followed"), ("follower", "Follower"), ("none", "None")],
                        default="all",
                        max_length=10,
                    ),
                ),
                ("standard", models.BooleanField(default=False)),
                ("sealed_token", models.BinaryField()),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "access_token",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="push_subscription",
                        to="oauth2_provider.accesstoken",
                    ),
                ),
                (
                    "account",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="push_subscriptions",
                        to="accounts.account",
                    ),
                ),
            ],
        ),
    ]
