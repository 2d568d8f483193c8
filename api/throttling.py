"""Anonymous rate limits per client address, the address read by the pages' own rule
(gazette_site.security.client_ip: X-Forwarded-For only from a trusted proxy)."""

from rest_framework.throttling import AnonRateThrottle

from gazette_site.security import client_ip


class ClientAddressThrottle(AnonRateThrottle):
    """``DJANGO_API_RATE`` requests a client address may make (default 120/min); over it, 429
    with Retry-After and a problem body."""

    scope = "anon"

    def get_ident(self, request):
        return client_ip(request) or "unknown"
