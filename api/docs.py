"""The API's documentation pages, self-hosted (drf-spectacular-sidecar: no CDN). Swagger UI
is served in its "split" form, its start-up script a file of its own, so the page passes the
site's Content-Security-Policy (no inline script)."""

from drf_spectacular.views import SpectacularSwaggerSplitView


class SwaggerView(SpectacularSwaggerSplitView):
    pass
