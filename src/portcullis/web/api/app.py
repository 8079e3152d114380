"""The API object: routers, error handling, the OpenAPI document and its docs page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.datastructures import MultiValueDict
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger
from ninja.parser import Parser

from portcullis.web.api import bodies, problems
from portcullis.web.api.parsing import BodyError, parse_json
from portcullis.web.api.problems import Problem
from portcullis.web.errors import DomainError

DESCRIPTION = """\
How a clearance system talks to Portcullis: submit declarations and get their control
channel with its reasons; amend them; record inspection outcomes; manage targeting profiles
and watchlists; run training, backtests and imports as jobs.

Authenticate with `Authorization: Bearer <token>` (tokens are issued with
`portcullis token create`, each with scopes). Every error is RFC 9457 problem details
(`application/problem+json`). See docs/api.md for a full round trip."""


class _Parser(Parser):
    """Bodies read as parsing.parse_json reads them: exact numbers, keys once."""

    def parse_body(self, request: HttpRequest) -> Any:
        return parse_json(request.body)

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        return super().parse_querydict(data, list_fields, request)


class PortcullisAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        # Ninja documents every response as application/json; errors are problem+json.
        schema = super().get_openapi_schema(*args, **kwargs)
        # Bodies read record by record (declarations) are described from the engine's schema.
        schema.setdefault("components", {}).setdefault("schemas", {}).update(
            bodies.declaration_components()
        )
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                # Ninja keys its responses by number, JSON by text: one key per status, or
                # the document would hold "401" twice (and YAML readers refuse it).
                responses = {str(k): v for k, v in operation.get("responses", {}).items()}
                operation["responses"] = responses
                for answer in responses.values():
                    content = answer.get("content", {})
                    body = content.get("application/json", {}).get("schema", {})
                    if body.get("$ref", "").endswith("/ProblemOut"):
                        content[problems.PROBLEM_JSON] = content.pop("application/json")
                # Any operation may meet a body that is not JSON or fields that do not
                # validate, and any authenticated one a caller without the right credentials.
                common = {400: "Bad request", 422: "Invalid request"}
                if operation.get("security"):
                    common |= {401: "Unauthenticated", 403: "Forbidden"}
                for status, description in common.items():
                    responses.setdefault(str(status), _problem_response(description))
        return schema


def _problem_response(description: str) -> dict[str, Any]:
    reference = {"$ref": "#/components/schemas/ProblemOut"}
    return {"description": description, "content": {problems.PROBLEM_JSON: {"schema": reference}}}


api = PortcullisAPI(
    title="Portcullis API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
    parser=_Parser(),
)


@api.exception_handler(DomainError)
def _refused(request: HttpRequest, error: DomainError) -> HttpResponse:
    return problems.response(request, problems.from_domain(error))


@api.exception_handler(BodyError)
def _bad_body(request: HttpRequest, error: BodyError) -> HttpResponse:
    return problems.response(request, Problem(400, "bad-request", "Bad request", str(error)))


@api.exception_handler(MultiPartParserError)
def _bad_form(request: HttpRequest, error: MultiPartParserError) -> HttpResponse:
    detail = f"the form body cannot be read ({error}): send multipart/form-data with its boundary"
    return problems.response(request, Problem(400, "bad-request", "Bad request", detail))


@api.exception_handler(RequestDataTooBig)
def _too_large(request: HttpRequest, error: RequestDataTooBig) -> HttpResponse:
    limit = f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes"
    detail = f"the body is larger than this server takes ({limit}); send smaller batches"
    return problems.response(request, Problem(413, "too-large", "Too large", detail))


@api.exception_handler(DatabaseError)
def _database(request: HttpRequest, error: DatabaseError) -> HttpResponse:
    return problems.response(request, problems.fault(request, error))


@api.exception_handler(Problem)
def _problem(request: HttpRequest, error: Problem) -> HttpResponse:
    return problems.response(request, error)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    detail = "send a valid API token as 'Authorization: Bearer <token>', or sign in"
    return problems.response(request, Problem(401, "unauthenticated", "Unauthenticated", detail))


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    errors = []
    for detail in error.errors:
        location = [str(part) for part in detail.get("loc", ())]
        # ("body", "payload", "weight") -> "weight"; ("query", "limit") -> "limit"
        path = [part for part in location[1:] if part != "payload"] or location
        errors.append({"field": ".".join(path), "message": str(detail.get("msg", "is invalid"))})
    return problems.response(request, problems.invalid(errors))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return problems.response(request, Problem(404, "not-found", "Not found", "no such resource"))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    kind = "bad-request" if error.status_code == 400 else "error"
    title = "Bad request" if error.status_code == 400 else "Error"
    return problems.response(request, Problem(error.status_code, kind, title, str(error)))


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, error: Exception) -> HttpResponse:
    return problems.response(request, problems.unexpected(request, error))


def _routers() -> None:
    from portcullis.web.api.routers.decisions import router as decisions
    from portcullis.web.api.routers.declarations import router as declarations
    from portcullis.web.api.routers.events import router as events
    from portcullis.web.api.routers.health import router as health
    from portcullis.web.api.routers.inspections import router as inspections
    from portcullis.web.api.routers.jobs import router as jobs
    from portcullis.web.api.routers.lists import router as lists
    from portcullis.web.api.routers.profiles import router as profiles
    from portcullis.web.api.routers.watchlist import router as watchlist

    api.add_router("/", health)
    api.add_router("/declarations", declarations)
    api.add_router("/declarations", inspections)
    api.add_router("/decisions", decisions)
    api.add_router("/profiles", profiles)
    api.add_router("/watchlist", watchlist)
    api.add_router("/lists", lists)
    api.add_router("/jobs", jobs)
    api.add_router("/events", events)


_routers()
