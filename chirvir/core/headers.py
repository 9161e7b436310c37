"""Security headers that Django's SecurityMiddleware and django-csp (set in settings.py) leave out:
the browser features no Chirvir page uses, turned off on every answer (Permissions-Policy), so a
page a script got into still cannot reach the camera, the microphone or the location; and HSTS
when CHIRVIR_URL is https, also when a reverse proxy ends TLS and the request reaches Chirvir over
plain http (Django's own sends it only on requests it sees as secure; a browser heeds it only
over https, so it is harmless on the rest)."""

from django.conf import settings

PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
    "interest-cohort=(), browsing-topics=()"
)


def middleware(get_response):
    def add_headers(request):
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if settings.SECURE_HSTS_SECONDS and settings.SITE_URL.startswith("https://"):
            response.headers.setdefault("Strict-Transport-Security", f"max-age={settings.SECURE_HSTS_SECONDS}")
        return response

    return add_headers
