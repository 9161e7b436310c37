"""Posting and what one does to a post: compose (with the live count of its length, and a
poll), a post with its thread, like, repost, vote, delete. Each action answers htmx with the changed fragment and
a plain form post with a redirect back, so every button works with JavaScript off."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chirvir import audience
from chirvir.core.errors import DomainError, NotFound
from chirvir.core.paging import Page
from chirvir.media import services as media
from chirvir.polls import services as polls
from chirvir.statuses import services as statuses
from chirvir.statuses.models import Visibility
from chirvir.web.forms import ComposeForm, MessageForm
from chirvir.web.views.common import PAGE_SIZE, action, back, filtered, is_htmx, not_found, shown_marks
from chirvir.web.views.notifications import conversations_context

DRAFT_LIMIT = 5000


def _post(request, form) -> None:
    """Post what a valid compose or message form holds; Invalid and NotFound reach the form."""
    data = form.cleaned_data
    body, visibility = data["status"], data.get("visibility")
    if "to" in data:
        body, visibility = f"@{data['to'].strip().lstrip('@')} {body}", Visibility.DIRECT
    media_ids = []
    if data.get("media"):  # written again (and so checked) before the post
        media_ids = [media.upload_media(request.user, data["media"], description=data.get("description", "")).id]
    poll = None
    options = [data.get(f"poll_option_{i}", "") for i in range(1, polls.MAX_OPTIONS + 1)]
    if any(o.strip() for o in options):  # the poll's fields are left empty when there is none
        poll = polls.draft(options, data.get("poll_expires_in"), multiple=data.get("poll_multiple", False),
                           hide_totals=data.get("poll_hide_totals", False))
    return statuses.post_status(
        request.user,
        body,
        visibility=visibility,
        in_reply_to_id=data.get("in_reply_to_id") or None,
        media_ids=media_ids,
        poll=poll,
        quoted_status_id=data.get("quoted_status_id") or None,
    )


@login_required
@require_POST
def compose(request):
    form_class = MessageForm if "to" in request.POST else ComposeForm
    form = form_class(request.POST, request.FILES)
    status = None
    if form.is_valid():
        try:
            status = _post(request, form)
        except DomainError as e:
            form.add_error("status", str(e))
    if status is None and form_class is ComposeForm and form.data.get("in_reply_to_id"):
        try:  # a refused reply keeps saying whom it answers
            form = _replying(form, statuses.get_status(request.user, form.data["in_reply_to_id"]))
        except DomainError:
            pass
    if is_htmx(request):
        if status is None:
            return render(request, "web/_compose.html", {"form": form}, status=422)
        if form_class is MessageForm:  # the message shows in its conversation, at the top of the list
            context = conversations_context(request.user, Page(limit=PAGE_SIZE))
            return render(request, "web/_sent.html", {"form": MessageForm(), **context})
        if status.in_reply_to_id:  # the box stays a reply to the same post, for the next one
            fresh = _reply_form(request.user, status.in_reply_to)
        else:
            fresh = ComposeForm(initial={"visibility": form.cleaned_data.get("visibility")})
        return render(request, "web/_posted.html", {"form": fresh, "s": status, **shown_marks(request.user, [status])})
    if status is None:
        return render(request, "web/compose.html", {"form": form}, status=422)
    messages.success(request, _("Posted."))
    return back(request, reverse("web:home"))


@login_required
@require_POST
def count(request):
    """The composer's counter asks here, so the browser shows exactly the server's rule."""
    counted = statuses.measure(request.POST.get("status", "")[:DRAFT_LIMIT])
    return JsonResponse(
        {
            "length": counted.weighted_length,
            "limit": counted.max_length,
            "remaining": counted.max_length - counted.weighted_length,
            "valid": counted.valid,
        }
    )


def _reply_form(viewer, status) -> ComposeForm:
    """A reply box under a post: it mentions the author and the others mentioned, and keeps
    the post's audience (a quiet public post gets a public reply)."""
    mentions = [status.account.username] + [
        m.account.username for m in status.mentions.select_related("account") if m.account_id != viewer.id
    ]
    prefix = "".join(f"@{u} " for u in dict.fromkeys(mentions) if u.lower() != viewer.username.lower())
    visibility = status.visibility if status.visibility != Visibility.UNLISTED else Visibility.PUBLIC
    form = ComposeForm(initial={"status": prefix, "in_reply_to_id": status.id, "visibility": visibility})
    return _replying(form, status)


def _replying(form: ComposeForm, status) -> ComposeForm:
    # The box says whom it answers, not the question a new post is asked. The bound field too:
    # a form that has been checked made its bound fields already, with the label they had then.
    label = _("Reply to @%(username)s") % {"username": status.account.username}
    form.fields["status"].label = form["status"].label = label
    return form


def _quote_form(status) -> ComposeForm:
    """A box that quotes the post (`?quote=1` on its page, the Quote action without JavaScript)."""
    visibility = status.visibility if status.visibility != Visibility.UNLISTED else Visibility.PUBLIC
    form = ComposeForm(initial={"quoted_status_id": status.id, "visibility": visibility})
    form.fields["status"].label = _("Quote @%(username)s") % {"username": status.account.username}
    return form


def _compose_form(request, viewer, status) -> ComposeForm | None:
    """Under a post: a reply box, or a box that quotes it (`?quote=1`); none for a visitor."""
    if viewer is None:
        return None
    return _quote_form(status) if "quote" in request.GET else _reply_form(viewer, status)


def thread(request, username, status_id):
    viewer = request.user if request.user.is_authenticated else None
    try:
        status = statuses.get_status(viewer, status_id)
    except DomainError:
        return not_found(request, _("That post does not exist or is not visible to you."))
    if status.account.username.lower() != username.lower():
        return redirect("web:status", status.account.username, status.id)
    ancestors, descendants = statuses.context(viewer, status.id)
    # The reader's "thread" filters hide replies and parents they match, and collapse those they
    # warn of; the post asked for stays, collapsed if warned of, as Mastodon's context does.
    ancestors, warned_above = filtered(viewer, ancestors, "thread")
    descendants, warned_below = filtered(viewer, descendants, "thread")
    _asked, warned_here = filtered(viewer, [status], "thread")
    shown = [*ancestors, status, *descendants]
    return render(
        request,
        "web/thread.html",
        {
            "status": status,
            "ancestors": ancestors,
            "descendants": descendants,
            "warned": {**warned_above, **warned_below, **warned_here},
            **shown_marks(viewer, shown),
            "form": _compose_form(request, viewer, status),
            "oembed_url": _oembed_url(status),
        },
    )


def _oembed_url(status) -> str | None:
    """Where oEmbed consumers find this post's embed: named on public posts only, which alone have one."""
    if not audience.goes_anywhere(status):
        return None
    address = f"{settings.SITE_URL}/@{status.account.username}/{status.id}"
    return f"{settings.SITE_URL}/api/oembed?{urlencode({'url': address})}"


def media_page(request, username, status_id, media_id):
    """A post's picture at full size, with its description, on a page of the site's own."""
    viewer = request.user if request.user.is_authenticated else None
    try:
        status = statuses.get_status(viewer, status_id)
    except DomainError:
        return not_found(request, _("That post does not exist or is not visible to you."))
    media = status.media_attachments.filter(id=media_id, type="image").first()
    if media is None or status.account.username.lower() != username.lower():
        return not_found(request, _("That media does not exist."))
    return render(request, "web/media.html", {"status": status, "media": media})


def _changed(request, status_id):
    """After an action: the post's fragment again for htmx, else back to the page."""
    if is_htmx(request):
        try:
            status = statuses.get_status(request.user, status_id)
        except NotFound:
            return render(request, "web/_gone.html")
        return render(request, "web/_actions.html", {"shown": status, "marks": statuses.viewer_marks(request.user, [status])})
    return back(request, reverse("web:home"))


def _on_status(service):
    @action
    def view(request, status_id):
        service(request.user, status_id)
        return _changed(request, status_id)

    return view


like = _on_status(statuses.favourite)
unlike = _on_status(statuses.unfavourite)
repost = _on_status(statuses.reblog)
unrepost = _on_status(statuses.unreblog)


@action
def vote(request, poll_id):
    """A poll's form: the chosen options (one, or several where the poll takes them)."""
    choices = request.POST.getlist("choices")
    if not choices:
        messages.error(request, _("Choose an option to vote."))
    else:
        polls.vote(request.user, poll_id, choices)
        messages.success(request, _("Your vote is in."))
    return back(request, "/")


@action
def delete(request, status_id):
    status = statuses.delete_status(request.user, status_id)
    messages.success(request, _("Your post is deleted."))
    if is_htmx(request):
        return render(request, "web/_gone.html")
    if request.POST.get("next", "").endswith(f"/{status.id}"):
        return redirect("web:profile", request.user.username)
    return back(request, reverse("web:profile", args=[request.user.username]))

