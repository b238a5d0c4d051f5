"""The services' APIs as the portal calls them: with the signed-in person's own token, so every page is
bound by exactly the rules the APIs enforce."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

import httpx

# httpx logs every request's full address at INFO: an email's unsubscribe link carries its signature in the query,
# so whoever holds the portal's logs could replay it (outsider, issue 20). The services log paths only.
logging.getLogger("httpx").setLevel(logging.WARNING)


@dataclass
class ApiError(Exception):
    """An API answered with a problem (application/problem+json)."""

    status: int
    title: str
    detail: str
    errors: list[dict] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.status} {self.title}: {self.detail}"

    def field_errors(self) -> dict[str, str]:
        """The problem's field errors keyed by form field (`#/title` → `title`; nested pointers by first part)."""
        out: dict[str, str] = {}
        for error in self.errors:
            name = error.get("pointer", "#").removeprefix("#").strip("/").split("/")[0] or "_"
            out.setdefault(name, error.get("detail", "this is not valid"))
        return out


class Backend:
    """One HTTP client for every service, mounted at /api/<service>/ behind `base_url` (the reverse proxy in
    production; the embedded suite's own WSGI apps, called in-process, in the one-command run)."""

    def __init__(self, base_url: str = "http://suite", *, transport: httpx.BaseTransport | None = None,
                 timeout: float = 15.0):
        self.client = httpx.Client(base_url=base_url, transport=transport, timeout=timeout)

    def as_(self, token: str | None) -> "Api":
        """Calls made as the person whose token this is; with None, as nobody (the public endpoints)."""
        return Api(self.client, token)


class Api:
    """Calls made for one person."""

    def __init__(self, client: httpx.Client, token: str | None):
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def request(self, method: str, path: str, *, raw: bool = False, **kwargs):
        response = self.client.request(method, path, headers={**self.headers, **kwargs.pop("headers", {})},
                                       **kwargs)
        if response.status_code >= 400:
            raise _problem(response)
        if raw:
            return response
        return response.json() if response.content else None

    def get(self, path: str, **params):
        return self.request("GET", path, params={k: v for k, v in params.items() if v not in (None, "")})

    def post(self, path: str, json=None, **kwargs):
        return self.request("POST", path, json=json, **kwargs)

    def put(self, path: str, json=None, **kwargs):
        return self.request("PUT", path, json=json, **kwargs)

    def patch(self, path: str, json=None, **kwargs):
        return self.request("PATCH", path, json=json, **kwargs)

    def delete(self, path: str, **kwargs):
        return self.request("DELETE", path, **kwargs)

    def all_pages(self, path: str, page_size: int = 500, **params) -> list[dict]:
        """Every item of a paged list (`items`, `total`)."""
        items, page = [], 1
        while True:
            body = self.get(path, page=page, page_size=page_size, **params)
            items.extend(body["items"])
            if len(items) >= body["total"] or not body["items"]:
                return items
            page += 1


def _problem(response: httpx.Response) -> ApiError:
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    return ApiError(status=response.status_code, title=body.get("title", response.reason_phrase),
                    detail=body.get("detail") or body.get("title") or response.reason_phrase,
                    errors=body.get("errors") or [])
