"""What every Mastodon API view shares: reading parameters from the query and any body (form,
multipart or JSON, on every method, with `key[]` arrays and `a[b]` nesting), authentication and
scopes, Mastodon's errors, JSON through orjson, and `Link` paging headers."""

import functools
import re
from urllib.parse import parse_qsl, urlencode

import orjson
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from chirvir.core.errors import DomainError, Invalid, NotAllowed, NotFound, TooMany, Unauthorized
from chirvir.core.ids import parse_id
from chirvir.core.paging import Page
from chirvir.oauth import services as oauth

TRUE = {"1", "true", "t", "on", "yes"}
FALSE = {"0", "false", "f", "off", "no", ""}


class ApiError(Exception):
    def __init__(self, status: int, message: str, **extra):
        super().__init__(message)
        self.status, self.message, self.extra = status, message, extra


def json_response(data, status: int = 200, headers: dict | None = None) -> HttpResponse:
    response = HttpResponse(orjson.dumps(data), status=status, content_type="application/json; charset=utf-8")
    response["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def error_response(status: int, message: str, **extra) -> HttpResponse:
    return json_response({"error": str(message), **extra}, status=status)


_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")


def _key_parts(key: str) -> list[str]:
    match = _KEY.match(key)
    if not match:
        return [key]
    return [match.group(1), *re.findall(r"\[([^\[\]]*)\]", match.group(2))]


# How many objects and arrays may hold one another in a request's parameters. Mastodon's deepest
# (`poll[options][]`, `alerts[follow]` in a push subscription) are three; no client sends more.
MAX_DEPTH = 16


def _nest(pairs) -> dict:
    """Rails-style form keys into nested values: `a[]=1&a[]=2` is a list, `a[b][c]=1` a dict."""
    result: dict = {}
    for key, value in pairs:
        parts = _key_parts(key)
        node = result
        for part, following in zip(parts, [*parts[1:], None]):
            if following is None:
                node[part] = value
            elif following == "":
                items = node.get(part)
                if not isinstance(items, list):
                    items = node[part] = []
                items.append(value)
                break
            else:
                child = node.get(part)
                if not isinstance(child, dict):
                    child = node[part] = {}
                node = child
    return result


class Params:
    """The request's parameters: body values win over query values of the same name."""

    def __init__(self, request):
        self.files = {}
        body = {}
        content_type = (request.content_type or "").lower()
        if content_type == "application/json" and request.body:
            try:
                body = orjson.loads(request.body)
            except orjson.JSONDecodeError:
                raise ApiError(400, _("The request body is not valid JSON.")) from None
            if not isinstance(body, dict):
                raise ApiError(400, _("The request body must be a JSON object."))
        elif content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}:
            body = self._form(request, content_type)
        self.data = {**_nest(_items(request.GET)), **body}
        _check(self.data)

    def _form(self, request, content_type) -> dict:
        try:
            if content_type == "multipart/form-data":
                if request.method != "POST":  # Django parses bodies of POST only
                    request.method, method = "POST", request.method
                    try:
                        request._load_post_and_files()
                    finally:
                        request.method = method
                self.files = {k.removesuffix("[]"): f for k, f in request.FILES.items()}
                return _nest(_items(request.POST))
            # Strict: a body that is not UTF-8 is refused, not silently patched with U+FFFD.
            body = request.body.decode("utf-8")
            return _nest(parse_qsl(body, keep_blank_values=True, encoding="utf-8", errors="strict"))
        except (MultiPartParserError, UnicodeDecodeError) as e:
            raise ApiError(400, _("The request body could not be read.")) from e

    def get(self, name: str, default=None):
        value = self.data.get(name, default)
        if isinstance(value, list):
            value = value[-1] if value else default
        if value is not None and not isinstance(value, (str, int, float, bool, dict)):
            raise ApiError(400, _("The parameter %(name)s has the wrong type.") % {"name": name})
        return value

    def text(self, name: str, default: str | None = None) -> str | None:
        value = self.get(name, default)
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, (dict, bool)):
            raise ApiError(400, _("The parameter %(name)s must be text.") % {"name": name})
        return str(value)

    def required(self, name: str) -> str:
        value = self.text(name)
        if value is None or value == "":
            raise ApiError(400, f"param is missing or the value is empty: {name}")
        return value

    def array(self, name: str) -> list[str]:
        value = self.data.get(name)
        if value is None:
            return []
        values = value if isinstance(value, list) else [value]
        return [str(v) for v in values if isinstance(v, (str, int))]

    def boolean(self, name: str, default: bool = False) -> bool:
        value = self.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in TRUE:
            return True
        if text in FALSE:
            return False
        raise ApiError(400, _("The parameter %(name)s must be true or false.") % {"name": name})

    def integer(self, name: str, default: int | None = None) -> int | None:
        value = self.get(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ApiError(400, _("The parameter %(name)s must be a number.") % {"name": name}) from None

    def page(self, default_limit: int = 20) -> Page:
        limit = self.integer("limit", default_limit)
        limit = min(abs(limit) or default_limit, 2 * default_limit)
        return Page(
            max_id=self._cursor("max_id"), since_id=self._cursor("since_id"), min_id=self._cursor("min_id"), limit=limit
        )

    def _cursor(self, name: str) -> int | None:
        value = self.get(name)
        if value in (None, ""):
            return None
        cursor = parse_id(value)
        if cursor is None:
            raise ApiError(400, _("The parameter %(name)s must be an ID.") % {"name": name})
        return cursor


def _check(data: dict) -> None:
    """Refuse parameters nested deeper than MAX_DEPTH or holding a NUL anywhere. A loop over a
    stack, not recursion: a JSON body may nest a thousand levels, past Python's recursion limit."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                # No text we store may hold one (PostgreSQL refuses it), and no client means one.
                raise ApiError(400, _("The request holds a NUL character, which no parameter may contain."))
        elif isinstance(value, (dict, list)):
            if depth > MAX_DEPTH:
                raise ApiError(400, _("The parameters are nested too deeply."))
            items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
            stack.extend((item, depth + 1) for item in items)


def _items(querydict):
    for key in querydict:
        for value in querydict.getlist(key):
            yield key, value


def link_header(request, items, cursor=lambda item: item.id) -> dict:
    """Mastodon's `Link`: next (older, max_id) first, then prev (newer, min_id); absolute URLs
    that keep the request's other parameters. None for an empty page."""
    if not items:
        return {}
    base = settings.SITE_URL + request.path
    kept = [(k, v) for k in request.GET for v in request.GET.getlist(k) if k not in {"max_id", "min_id", "since_id"}]
    next_url = f"{base}?{urlencode([*kept, ('max_id', cursor(items[-1]))])}"
    prev_url = f"{base}?{urlencode([*kept, ('min_id', cursor(items[0]))])}"
    return {"Link": f'<{next_url}>; rel="next", <{prev_url}>; rel="prev"'}


DOMAIN_STATUS = {Invalid: 422, NotFound: 404, NotAllowed: 403, Unauthorized: 401, TooMany: 429}


def api(*, methods: tuple[str, ...], scopes: dict[str, str] | None = None, user: str = "required"):
    """A Mastodon API view. `scopes` maps each method to the scope it needs; `user` is
    "required" (a user token), "optional" (public, a token honoured) or "app" (any token,
    app tokens too). The view gets (request, params, *args) with request.account set."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "OPTIONS":
                return HttpResponse(status=204)
            if request.method not in methods:
                message = _("This method is not allowed here.")
                return json_response({"error": message}, status=405, headers={"Allow": ", ".join(methods)})
            try:
                # The rate limiter may have looked the token up already (chirvir/api/ratelimit.py).
                credentials = request.credentials if hasattr(request, "credentials") else oauth.authenticate(request)
                needed = (scopes or {}).get(request.method)
                if credentials is None:
                    if user != "optional":
                        raise ApiError(401, "The access token is invalid")
                else:
                    if needed and not oauth.allows(credentials, needed):
                        raise ApiError(403, "This action is outside the authorized scopes")
                    if user == "required" and credentials.account is None:
                        raise ApiError(422, "This method requires an authenticated user")
                request.credentials = credentials
                request.account = credentials.account if credentials else None
                return view(request, Params(request), *args, **kwargs)
            except ApiError as e:
                return error_response(e.status, e.message, **e.extra)
            except DomainError as e:
                return error_response(DOMAIN_STATUS.get(type(e), 422), e.message)
            except RequestDataTooBig:
                return error_response(413, _("The request is too large."))

        # What the view takes, for the OpenAPI document (csrf_exempt's wraps copies it along).
        wrapper.declared = (methods, scopes or {}, user)
        return csrf_exempt(wrapper)

    return decorate
