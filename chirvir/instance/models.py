"""What the operator says about the server: its rules, as Mastodon's instance rules (written in
Django's admin, shown in the instance document and at /api/v1/instance/rules)."""

from django.db import models


class Rule(models.Model):
    text = models.CharField(max_length=300)
    hint = models.TextField(blank=True, default="")  # a longer explanation, as Mastodon's
    position = models.IntegerField(default=0)  # the rules are shown in this order

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.text
