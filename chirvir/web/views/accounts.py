"""Profile pages (`/@username`: posts, posts and replies, likes, followers, following, the
account's public lists, featured hashtags and featured profiles and, for one you follow, your lists to
put it on), the follow button in its three states, the follow requests a protected account answers,
and blocking and muting (from a profile or a post's menu) with the page that lists one's blocks and
mutes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from chirvir import audience
from chirvir.accounts import services as accounts
from chirvir.core.errors import DomainError, Invalid
from chirvir.core.paging import Page
from chirvir.lists import services as lists
from chirvir.tags import services as tags
from chirvir.timelines import reads as timelines
from chirvir.web.forms import MUTE_DURATIONS
from chirvir.web.views.common import action, back, is_htmx, not_found, page_of, timeline_context


def _account_or_none(username):
    try:
        account = accounts.lookup(username)
    except DomainError:
        return None
    return account if account.is_active else None


def profile(request, username, tab="posts"):
    account = _account_or_none(username)
    if account is None:
        return not_found(request, _("There is no account named @%(username)s.") % {"username": username})
    viewer = request.user if request.user.is_authenticated else None
    relation = accounts.relation(viewer, account)
    may_see = audience.may_see_posts_of(audience.Viewer.of(viewer), account)
    context = {"account": account, "relation": relation, "tab": tab, "may_see": may_see}
    context["public_lists"] = lists.public_lists_of(viewer, account)
    context["featured_tags"] = tags.featured_tags(account)
    context["endorsed"] = [person for _row, person in accounts.endorsements(account, Page(limit=10))]
    if relation.following:
        holding = {lst.id for lst in lists.lists_holding(viewer, account)}
        context["my_lists"] = [(lst, lst.id in holding) for lst in lists.lists_of(viewer)]
    page = page_of(request)
    if not may_see:
        statuses = []
    elif tab == "likes":
        likes = timelines.liked_by(viewer, account, page)
        context.update(timeline_context(request, [f.status for f in likes]))
        context["older"] = likes[-1].id if len(likes) >= page.limit else None
        return render(request, "web/profile.html", context)
    elif tab in ("followers", "following"):
        lister = accounts.followers_seen_by if tab == "followers" else accounts.following_seen_by
        rows = lister(viewer, account, page)
        context["people"] = [person for _row, person in rows]
        context["older"] = rows[-1][0] if len(rows) >= page.limit else None
        return render(request, "web/profile.html", context)
    else:
        statuses = timelines.account_statuses(viewer, account, page, exclude_replies=tab == "posts")
    context.update(timeline_context(request, statuses, "account"))
    return render(request, "web/profile.html", context)


def _follow_changed(request, account):
    if is_htmx(request):
        return render(
            request, "web/_follow_button.html", {"account": account, "relation": accounts.relation(request.user, account)}
        )
    return back(request, reverse("web:profile", args=[account.username]))


@action
def follow(request, username):
    account = accounts.lookup(username)
    accounts.follow(request.user, account)
    return _follow_changed(request, account)


@action
def unfollow(request, username):
    account = accounts.lookup(username)
    accounts.unfollow(request.user, account)
    return _follow_changed(request, account)


@login_required
def follow_requests(request):
    rows = accounts.follow_requests(request.user, Page(limit=80))
    return render(request, "web/follow_requests.html", {"people": [person for _row, person in rows]})


@action
def approve(request, username):
    requester = accounts.lookup(username)
    accounts.approve_follow_request(request.user, requester)
    messages.success(request, _("@%(username)s now follows you.") % {"username": requester.username})
    return back(request, reverse("web:follow_requests"))


@action
def reject(request, username):
    requester = accounts.lookup(username)
    accounts.reject_follow_request(request.user, requester)
    messages.success(request, _("You declined @%(username)s.") % {"username": requester.username})
    return back(request, reverse("web:follow_requests"))


@action
def block(request, username):
    account = accounts.lookup(username)
    accounts.block(request.user, account)
    messages.success(request, _("You blocked @%(username)s.") % {"username": account.username})
    return back(request, reverse("web:profile", args=[account.username]))


@action
def unblock(request, username):
    account = accounts.lookup(username)
    accounts.unblock(request.user, account)
    messages.success(request, _("You unblocked @%(username)s.") % {"username": account.username})
    return back(request, reverse("web:blocks"))


@action
def mute(request, username):
    account = accounts.lookup(username)
    duration = request.POST.get("duration", "0")
    if duration not in MUTE_DURATIONS:
        raise Invalid(_("Choose how long to mute for."))
    accounts.mute(request.user, account, duration=int(duration))
    messages.success(request, _("You muted @%(username)s.") % {"username": account.username})
    return back(request, reverse("web:profile", args=[account.username]))


@action
def unmute(request, username):
    account = accounts.lookup(username)
    accounts.unmute(request.user, account)
    messages.success(request, _("You unmuted @%(username)s.") % {"username": account.username})
    return back(request, reverse("web:blocks"))


@login_required
def blocks_and_mutes(request):
    context = {
        "blocked": [person for _row, person in accounts.blocks(request.user, Page(limit=200))],
        "mutes": accounts.mutes(request.user, Page(limit=200)),
    }
    return render(request, "web/blocks.html", context)
