"""The browser features no Chirvir page uses, turned off on every answer (Permissions-Policy):
a page a script got into still cannot reach the camera, the microphone or the location. The other
security headers come from Django's SecurityMiddleware and django-csp, set in settings.py."""

PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
    "interest-cohort=(), browsing-topics=()"
)


def middleware(get_response):
    def add_headers(request):
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response

    return add_headers
