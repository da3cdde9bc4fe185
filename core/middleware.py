from django.conf import settings


class SecurityHeadersMiddleware:
    """Content-Security-Policy: pages load scripts, styles and fonts only from this site, never inline."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/admin/"):
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response
