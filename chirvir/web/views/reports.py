"""The report form (`/@username/report`, `?status=ID` ticks a post): tell the moderators about an
account and some of its posts, with a category and a comment."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chirvir.core.errors import DomainError
from chirvir.core.paging import Page
from chirvir.moderation import services as moderation
from chirvir.moderation.models import Category
from chirvir.timelines import reads as timelines
from chirvir.web.views.accounts import _account_or_none
from chirvir.web.views.common import not_found

CATEGORIES = [
    (Category.SPAM, gettext_lazy("Spam: ads, scams, or the same thing again and again")),
    (Category.LEGAL, gettext_lazy("Illegal: it breaks the law")),
    (Category.VIOLATION, gettext_lazy("It breaks the rules of this server")),
    (Category.OTHER, gettext_lazy("Something else")),
]


@login_required
def report(request, username):
    account = _account_or_none(username)
    if account is None:
        return not_found(request, _("There is no account named @%(username)s.") % {"username": username})
    posts = timelines.account_statuses(request.user, account, Page(limit=20))
    ticked = set(request.POST.getlist("status_ids") if request.method == "POST" else request.GET.getlist("status"))
    context = {"account": account, "posts": posts, "ticked": ticked, "categories": CATEGORIES}
    if request.method == "POST":
        category = request.POST.get("category", Category.OTHER)
        context.update(category=category, comment=request.POST.get("comment", ""))
        try:
            moderation.report(
                request.user, account, status_ids=sorted(ticked), category=category, comment=context["comment"]
            )
        except DomainError as e:
            context["error"] = str(e)
            return render(request, "web/report.html", context, status=422)
        return render(request, "web/report.html", {**context, "sent": True})
    return render(request, "web/report.html", {**context, "category": Category.OTHER})
