"""``/docs`` and ``/redoc``: the API's documentation pages, with every asset served here.

FastAPI's own pages load Swagger UI and ReDoc from a CDN, so they are blank offline or
behind a proxy. The assets come from the ``fastapi-offline`` package instead (Swagger
UI's bundle and stylesheet, ReDoc's standalone bundle, a favicon), served under
``/docs/assets/`` without a token, like the pages themselves.
"""

from __future__ import annotations

from importlib.resources import files

from fastapi import APIRouter, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import FileResponse, HTMLResponse

from api.auth.dependencies import PublicRoute

ASSETS_PREFIX = "/docs/assets"
#: File name → media type of every asset the pages load.
ASSETS: dict[str, str] = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "redoc.standalone.js": "text/javascript",
    "favicon.png": "image/png",
}
#: The paths the authentication middleware lets through without a token.
PUBLIC_ASSET_PATHS = frozenset(f"{ASSETS_PREFIX}/{name}" for name in ASSETS)
OAUTH2_REDIRECT_PATH = "/docs/oauth2-redirect"

router = APIRouter(include_in_schema=False, dependencies=[PublicRoute])


def assets_folder() -> str:
    """The ``static`` folder of the installed ``fastapi-offline`` package."""
    return str(files("fastapi_offline") / "static")


@router.get("/docs")
def swagger_ui(request: Request) -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url=request.app.openapi_url or "/openapi.json",
        title=f"{request.app.title} - Swagger UI",
        swagger_js_url=f"{ASSETS_PREFIX}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS_PREFIX}/swagger-ui.css",
        swagger_favicon_url=f"{ASSETS_PREFIX}/favicon.png",
        oauth2_redirect_url=OAUTH2_REDIRECT_PATH,
    )


@router.get(OAUTH2_REDIRECT_PATH)
def swagger_ui_redirect() -> HTMLResponse:
    return get_swagger_ui_oauth2_redirect_html()


@router.get("/redoc")
def redoc(request: Request) -> HTMLResponse:
    return get_redoc_html(
        openapi_url=request.app.openapi_url or "/openapi.json",
        title=f"{request.app.title} - ReDoc",
        redoc_js_url=f"{ASSETS_PREFIX}/redoc.standalone.js",
        redoc_favicon_url=f"{ASSETS_PREFIX}/favicon.png",
        with_google_fonts=False,
    )


def _asset_route(name: str, media_type: str) -> None:
    def asset() -> FileResponse:
        return FileResponse(
            f"{assets_folder()}/{name}",
            media_type=media_type,
            headers={"Cache-Control": "public, max-age=86400"},
        )

    router.add_api_route(f"{ASSETS_PREFIX}/{name}", asset, methods=["GET"], name=f"docs {name}")


# One route per file: nothing else under the prefix is public or served.
for _name, _media_type in ASSETS.items():
    _asset_route(_name, _media_type)
