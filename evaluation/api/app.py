"""The FastAPI application: read-only GET endpoints over ``evaluation.api.service``.

(No ``from __future__ import annotations``: FastAPI reads the handlers' annotations, which
name aliases local to ``create_app``.)

Every data endpoint needs ``Authorization: Bearer <token>`` (``evaluation token issue``):
401 for a missing, unknown or revoked token (or a disabled account), 403 for data outside
the account's scope, messages in the language of ``Accept-Language`` (nl or en, default nl).
OpenAPI at ``/openapi.json``, its pages at ``/docs`` and ``/redoc`` (served with their scripts
from the package: no CDN, so they work on a closed network).
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi_offline import FastAPIOffline

from evaluation import __version__
from evaluation.access import Principal
from evaluation.accounts.tokens import TokenRefused, principal_for_token
from evaluation.api import service
from evaluation.disclosure import Disclosed
from evaluation.errors import AccessDenied, UserError
from evaluation.i18n import t
from evaluation.store import Store

CSV_TYPE = "text/csv; charset=utf-8"
_bearer = HTTPBearer(auto_error=False, description=t("api.docs.bearer", "en"))


def _lang(request: Request, lang: str | None = None) -> str:
    return service.language(request.headers.get("accept-language"), lang)


def create_app(database_url: str | None = None) -> FastAPI:
    """The API on the store at ``database_url`` (else the usual settings, like the dashboard)."""
    store = Store.open(database_url)
    cache = service.Cache()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        store.close()

    # the /docs and /redoc pages load Swagger UI and ReDoc from the package, not a CDN
    app = FastAPIOffline(
        title=t("api.docs.title", "en"),
        description=t("api.docs.description", "en"),
        version=__version__,
        lifespan=lifespan,
    )

    @app.exception_handler(UserError)
    async def refused(request: Request, exc: UserError) -> JSONResponse:
        lang = _lang(request, request.query_params.get("lang"))
        status, headers = 400, {}
        if isinstance(exc, TokenRefused):
            status, headers = 401, {"WWW-Authenticate": "Bearer"}
        elif isinstance(exc, AccessDenied):
            status = 403
        body = {"error": exc.key, "message": exc.render(lang)}
        return JSONResponse(body, status_code=status, headers=headers)

    def principal(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal:
        token = credentials.credentials if credentials else None
        return principal_for_token(store, token)

    Who = Annotated[Principal, Depends(principal)]
    Initiative = Annotated[str | None, Query(description=t("api.docs.initiative", "en"))]
    PeriodFrom = Annotated[str | None, Query(description=t("api.docs.period_from", "en"))]
    PeriodTo = Annotated[str | None, Query(description=t("api.docs.period_to", "en"))]
    Format = Annotated[str, Query(pattern="^(json|csv)$", description=t("api.docs.format", "en"))]
    Lang = Annotated[str | None, Query(pattern="^(nl|en)$", description=t("api.docs.lang", "en"))]

    def scope(
        who: Who,
        initiative: Initiative = None,
        period_from: PeriodFrom = None,
        period_to: PeriodTo = None,
    ) -> Disclosed:
        return service.scoped(store, who, initiative, period_from, period_to, cache)

    Scope = Annotated[Disclosed, Depends(scope)]

    def table(frame: Any, fmt: str) -> Response:
        if fmt == "csv":
            return Response(service.csv(frame), media_type=CSV_TYPE)
        return JSONResponse(service.records(frame))

    def one_table(disclosed: Disclosed, name: str, lang: str) -> Any:
        frames = service.tables(disclosed, lang)
        if name not in frames:
            raise UserError("api.no_such_table", table=name, tables=", ".join(frames))
        return frames[name]

    @app.get("/health", summary=t("api.docs.health", "en"))
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.get("/v1/tables", summary=t("api.docs.tables", "en"))
    def list_tables(request: Request, disclosed: Scope, lang: Lang = None) -> list[dict]:
        frames = service.tables(disclosed, _lang(request, lang))
        return [
            {"name": n, "rows": len(f), "columns": list(f.columns), "csv": f"/v1/tables/{n}.csv"}
            for n, f in frames.items()
        ]

    @app.get("/v1/tables/datapackage.json", summary=t("api.docs.datapackage", "en"))
    def datapackage(request: Request, disclosed: Scope, lang: Lang = None) -> dict:
        lang_ = _lang(request, lang)
        return service.package(disclosed, service.tables(disclosed, lang_), lang_)

    @app.get("/v1/tables/{name}.csv", summary=t("api.docs.table_csv", "en"))
    def table_csv(request: Request, name: str, disclosed: Scope, lang: Lang = None) -> Response:
        return table(one_table(disclosed, name, _lang(request, lang)), "csv")

    @app.get("/v1/tables/{name}", summary=t("api.docs.table", "en"))
    def table_json(
        request: Request, name: str, disclosed: Scope, format: Format = "json", lang: Lang = None
    ) -> Response:
        return table(one_table(disclosed, name, _lang(request, lang)), format)

    @app.get("/v1/phase-puzzle", summary=t("api.docs.puzzle", "en"))
    def puzzle(disclosed: Scope, format: Format = "json") -> Response:
        return table(service.puzzle(disclosed), format)

    @app.get("/v1/network", summary=t("api.docs.network", "en"))
    def network(request: Request, disclosed: Scope, lang: Lang = None) -> dict:
        frames = service.tables(disclosed, _lang(request, lang))
        return {
            "nodes": service.records(frames["kumu_elements"]),
            "edges": service.records(frames["kumu_connections"]),
            "ties": service.records(frames["network"]),
        }

    return app
