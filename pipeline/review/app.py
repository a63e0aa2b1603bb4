"""The review web app: FastAPI served by uvicorn on the loopback interface.

Issues are addressed by their index in the list the server was started with and segments by
id, so no request names a file. Every POST needs the token generated at start and embedded
in the page (header ``X-Review-Token``); the Host header must name the server (no DNS
rebinding); pages forbid inline script and every foreign origin (Content-Security-Policy).
"""
from __future__ import annotations

import getpass
import secrets
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Literal

import uvicorn
from fastapi import Depends, FastAPI, Header, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from pipeline.errors import UserError
from pipeline.memory.store import ReviewConflict
from pipeline.review.render import STATIC, index_page, review_page
from pipeline.review.view import NotFound, Review, flag_dict

TOKEN_HEADER = "X-Review-Token"
LOOPBACK_NAMES = ["127.0.0.1", "localhost", "::1"]
CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
SegmentId = Annotated[str, PathParam(pattern=r"^s\d{4,}-[0-9a-f]{8}$")]
MAX_TEXT = 20_000


class SaveBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["approved", "edited", "rejected"]
    text: str | None = Field(None, max_length=MAX_TEXT)
    revision: int | None = Field(None, ge=0)  # the revision the reviewer saw; None = no conflict check
    reviewer: str = Field(min_length=1, max_length=100)


class CheckBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(max_length=MAX_TEXT)


def allowed_hosts(host: str) -> list[str]:
    """Host header values to accept: the loopback names, or any when listening on every interface."""
    return ["*"] if host in ("0.0.0.0", "::", "") else sorted({host, *LOOPBACK_NAMES})


def create_app(review: Review, *, token: str, reviewer: str, hosts: list[str]) -> FastAPI:
    """The app for one review session; ``token`` must come with every POST."""
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=hosts)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        return response

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    def require_token(x_review_token: Annotated[str | None, Header()] = None) -> None:
        if x_review_token is None or not secrets.compare_digest(x_review_token.encode(), token.encode()):
            raise HTTPException(403, f"missing or wrong {TOKEN_HEADER}: reload the review page")

    @app.exception_handler(ReviewConflict)
    async def conflict(request: Request, error: ReviewConflict):
        current = error.current
        return JSONResponse(
            {"error": str(error), "current": {"status": current.status, "text": current.final, "revision": current.revision, "reviewer": current.reviewer, "reviewed_at": current.reviewed_at}},
            status_code=409,
        )

    @app.exception_handler(UserError)
    async def bad_request(request: Request, error: UserError):
        return JSONResponse({"error": str(error)}, status_code=400)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, error: NotFound):
        return JSONResponse({"error": str(error)}, status_code=404)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException):
        return JSONResponse({"error": str(error.detail)}, status_code=error.status_code)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError):
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        return JSONResponse({"error": f"{where}: {first['msg']}"}, status_code=422)

    @app.get("/", response_class=HTMLResponse)
    def index():
        if len(review.issues) == 1:
            return RedirectResponse("/issues/0", status_code=303)
        return HTMLResponse(index_page(review))

    @app.get("/issues/{number}", response_class=HTMLResponse)
    def page(number: int, order: Literal["severity", "document"] = "severity"):
        return HTMLResponse(review_page(review, number, token, reviewer, order))

    @app.post("/api/issues/{number}/segments/{segment_id}", dependencies=[Depends(require_token)])
    def save(number: int, segment_id: SegmentId, body: SaveBody):
        row, ids, progress = review.save(number, segment_id, status=body.status, text=body.text, reviewer=body.reviewer.strip(), revision=body.revision)
        entry = row.entry
        return {
            "id": row.id, "ids": ids, "status": entry.status, "text": entry.final, "revision": entry.revision,
            "reviewer": entry.reviewer, "reviewed_at": entry.reviewed_at, "flags": [flag_dict(f) for f in row.flags],
            "progress": progress.as_dict(),
        }

    @app.post("/api/issues/{number}/segments/{segment_id}/check", dependencies=[Depends(require_token)])
    def check(number: int, segment_id: SegmentId, body: CheckBody):
        return {"flags": [flag_dict(f) for f in review.check(number, segment_id, body.text)]}

    return app


def default_reviewer() -> str:
    """The name saved with each review when the page does not give one: the OS user's."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry and no USER/LOGNAME
        return "reviewer"


def bind(host: str, port: int) -> socket.socket:
    """A listening socket (port 0: any free port), or a one-line UserError."""
    # proto IPPROTO_TCP (socket.create_server leaves it 0): asyncio then sets TCP_NODELAY on each
    # connection; without it every response waits ~40 ms on Nagle and delayed ACKs.
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError as error:
        sock.close()
        raise UserError(f"cannot listen on {host}:{port} ({error.strerror}): pick another --port or --host") from None
    return sock


def _server(app: FastAPI) -> uvicorn.Server:
    return uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))


def serve(review: Review, *, host: str, port: int, reviewer: str) -> None:
    """Serve the review until Ctrl+C."""
    sock = bind(host, port)
    app = create_app(review, token=secrets.token_urlsafe(32), reviewer=reviewer, hosts=allowed_hosts(host))
    shown = f"[{host}]" if ":" in host else host
    print(f"reviewing {len(review.issues)} issue(s) -> {review.tgt} at http://{shown}:{sock.getsockname()[1]}/ (Ctrl+C to stop)", file=sys.stderr)
    if host not in LOOPBACK_NAMES:
        print(f"warning: listening on {host}: other machines can reach this page", file=sys.stderr)
    _server(app).run(sockets=[sock])


@contextmanager
def background(app: FastAPI, host: str = "127.0.0.1") -> Iterator[str]:
    """Run ``app`` on a free port of ``host`` in a thread; yield its base URL, stop it on exit."""
    sock = bind(host, 0)
    server = _server(app)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the review server did not start")
            time.sleep(0.01)
        yield f"http://{host}:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
