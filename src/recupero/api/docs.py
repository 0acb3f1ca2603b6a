"""The interactive API page, from the Swagger UI files ninja ships.

Ninja renders its page with these files only when ``ninja`` is an installed
app, and from a CDN otherwise; an on-premise install may have no internet,
so this page and its files are served from the installed package instead.
"""

from pathlib import Path
from typing import Any

import ninja
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from ninja.openapi.docs import DocsBase

ASSETS = Path(ninja.__file__).parent / "static" / "ninja"
SERVED = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-init.js": "text/javascript",
    "favicon.png": "image/png",
    "favicon.svg": "image/svg+xml",
}


class LocalSwagger(DocsBase):
    settings = {"layout": "BaseLayout", "deepLinking": True}

    def render_page(
        self, request: HttpRequest, api: "ninja.NinjaAPI", **kwargs: Any
    ) -> HttpResponse:
        context = {
            "api": api,
            "swagger_settings": {
                **self.settings,
                "url": self.get_openapi_url(api, kwargs),
            },
        }
        return render(request, "api/swagger.html", context)


@require_GET
@cache_control(max_age=86400, public=True)
def asset(request: HttpRequest, name: str) -> FileResponse:
    if name not in SERVED:
        raise Http404(name)
    return FileResponse((ASSETS / name).open("rb"), content_type=SERVED[name])
