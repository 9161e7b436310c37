"""The filters page in settings: a person's filters, each with its form to change or delete it,
and a form for a new one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chirvir.core.errors import DomainError
from chirvir.filters import services as filters
from chirvir.web.forms import FilterForm


def _form_of(f) -> FilterForm:
    keywords = list(f.keywords.all())
    return FilterForm(
        prefix=str(f.id),
        initial={
            "title": f.title,
            "keywords": "\n".join(k.keyword for k in keywords),
            "whole_word": all(k.whole_word for k in keywords),
            "context": f.context,
            "filter_action": f.filter_action,
        },
    )


def _page(request, new=None, bound=None, status=200):
    """The page; `bound` is (filter ID, form) of a form sent back with errors."""
    shown = []
    for f in filters.list_filters(request.user):
        form = bound[1] if bound and bound[0] == f.id else _form_of(f)
        shown.append({"filter": f, "form": form})
    return render(request, "web/filters.html", {"filters": shown, "new": new or FilterForm(prefix="new")},
                  status=status)


@login_required
def index(request):
    if request.method != "POST":
        return _page(request)
    return _save(request, None, FilterForm(request.POST, prefix="new"))


@login_required
@require_POST
def update(request, filter_id):
    return _save(request, filter_id, FilterForm(request.POST, prefix=str(filter_id)))


def _save(request, filter_id, form):
    if form.is_valid():
        data = form.cleaned_data
        try:
            filters.save_filter(
                request.user, filter_id, data["title"], data["context"], data["filter_action"],
                data["expires_in"] or None, data["keywords"].splitlines(), data["whole_word"],
            )
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Your filter is saved."))
            return redirect("web:filters")
    if filter_id is None:
        return _page(request, new=form, status=422)
    return _page(request, bound=(filter_id, form), status=422)


@login_required
@require_POST
def delete(request, filter_id):
    try:
        filters.delete_filter(request.user, filter_id)
    except DomainError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Your filter is deleted."))
    return redirect("web:filters")
