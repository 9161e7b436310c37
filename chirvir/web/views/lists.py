"""List pages: your lists (and those you subscribe to), a list's timeline with its settings and
members for its owner or a subscribe button for others, and the buttons a profile shows to put
an account on your lists."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from chirvir.accounts import services as accounts
from chirvir.core.errors import DomainError, Invalid
from chirvir.lists import services as lists
from chirvir.timelines import reads as timelines
from chirvir.web.forms import ListForm
from chirvir.web.views.common import action, back, not_found, page_of, timeline_context


def _settings(request) -> dict:
    form = ListForm(request.POST)
    if not form.is_valid():
        raise Invalid(" ".join(error for errors in form.errors.values() for error in errors))
    return form.cleaned_data


@login_required
def index(request):
    context = {
        "lists": lists.lists_of(request.user),
        "subscribed": lists.subscribed_lists(request.user),
        "form": ListForm(),
    }
    return render(request, "web/lists.html", context)


@action
def create(request):
    lst = lists.create_list(request.user, **_settings(request))
    return redirect("web:list", list_id=lst.id)


def detail(request, list_id):
    viewer = request.user if request.user.is_authenticated else None
    try:
        lst = lists.readable_list(viewer, list_id)
    except DomainError:
        return not_found(request, _("There is no such list."))
    context = timeline_context(request, timelines.list_timeline(viewer, lst, page_of(request)), "home")
    context["list"] = lst
    if viewer is not None and viewer.id == lst.owner_id:
        initial = {f: getattr(lst, f) for f in ("title", "replies_policy", "exclusive", "public")}
        context["form"] = ListForm(initial=initial)
        context["members"] = [person for _row, person in lists.members(lst, None)]
    else:
        context["subscribed"] = lists.is_subscribed(viewer, lst)
    return render(request, "web/list.html", context)


@action
def update(request, list_id):
    lists.update_list(request.user, list_id, **_settings(request))
    return redirect("web:list", list_id=list_id)


@action
def delete(request, list_id):
    lists.delete_list(request.user, list_id)
    return redirect("web:lists")


@action
def add_member(request, list_id):
    account = accounts.lookup(request.POST.get("username", ""))
    lists.add_members(request.user, list_id, [account.id])
    return back(request, reverse("web:list", args=[list_id]))


@action
def remove_member(request, list_id):
    account = accounts.lookup(request.POST.get("username", ""))
    lists.remove_members(request.user, list_id, [account.id])
    return back(request, reverse("web:list", args=[list_id]))


@action
def subscribe(request, list_id):
    lists.subscribe(request.user, list_id)
    return back(request, reverse("web:list", args=[list_id]))


@action
def unsubscribe(request, list_id):
    lists.unsubscribe(request.user, list_id)
    return back(request, reverse("web:list", args=[list_id]))
