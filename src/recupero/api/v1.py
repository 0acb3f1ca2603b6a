"""Version 1 of the API: one NinjaAPI, its routers, its error answers."""

from ninja import NinjaAPI

from recupero.api import accounts, activities, debtors, imports
from recupero.api.auth import SessionAuth, TokenAuth
from recupero.api.docs import LocalSwagger
from recupero.api.errors import install_handlers

DESCRIPTION = """\
Recupero's REST API. Authenticate with `Authorization: Bearer <token>`
(tokens: `recupero token create`) or, from the browser, the session of
the web pages with its CSRF token. Every answer is limited to what the
token's user may see. Errors are `{"code", "message", "field"?,
"details"?}`; money is a decimal string, dates are ISO 8601.
"""

api = NinjaAPI(
    title="Recupero API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=[TokenAuth(), SessionAuth()],
    docs=LocalSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_handlers(api)
api.add_router("", debtors.router)
api.add_router("", accounts.router)
api.add_router("", imports.router)
api.add_router("", activities.router)
