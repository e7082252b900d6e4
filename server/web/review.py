"""Curating in the browser: /review (documents and their open candidates), /review/<doc>, upload, login.

Every write goes through ``KnowledgeGraph.curate`` (graph/curation.py) or ``KnowledgeGraph.ingest``;
this module only reads forms, checks who may write, and renders. Safety:

- off unless ``curation_token`` (or the update token) is set; analysts log in with it and their name,
  which sets a signed, HttpOnly, SameSite=Strict cookie (itsdangerous, keyed from the token, so a
  new token logs everyone out);
- every form carries a CSRF token: an HMAC of a random cookie of the browser (double submit);
- visitors who are not logged in see the same pages without any control;
- forms are limited to FORM_LIMIT bytes (uploads to UPLOAD_LIMIT): beyond, a message and no change;
- each document form carries the version it was rendered from: a stale one is refused (409) and the
  page shows the current state.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import secrets
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, g, redirect, render_template, request, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.utils import secure_filename
from werkzeug.wrappers import Response as BaseResponse

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.curation import (
    Change,
    Conflict,
    CurationError,
    DocumentState,
    class_choices,
    entity_choices,
    relation_choices,
    reviewer_name,
)
from actorgraph.graph.errors import KGError, SourceError
from actorgraph.graph.model import CERTAINTIES
from actorgraph.graph.sentences import sentences
from actorgraph.ontology.vocab import statement_iri
from actorgraph.server.context import kg, settings
from actorgraph.server.errors import Forbidden, NotFound
from actorgraph.server.web.ui import href, install_template_helpers, secure_html

log = logging.getLogger("actorgraph.server")
bp = Blueprint("review", __name__)
bp.record_once(lambda state: install_template_helpers(state.app))
bp.after_request(secure_html)

SESSION_COOKIE = "ag_review"
CSRF_COOKIE = "ag_csrf"
SESSION_HOURS = 12
FORM_LIMIT = 1024 * 1024  # a review form is a few hundred bytes; 1 MB leaves room for a long quote
UPLOAD_LIMIT = 25 * 1024 * 1024
UPLOAD_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".pdf"}
ACTION_FIELDS = ("subject", "predicate", "object", "at", "start", "end", "certainty", "attributed_to", "place", "note")


# ---------------------------------------------------------------------------- who may write


def _secret() -> bytes | None:
    """The key of cookies and CSRF tokens, derived from the configured token (None: curation is off)."""
    token = settings().curation_token or settings().update_token
    if not token:
        return None
    return hashlib.sha256(b"actorgraph-review\0" + token.encode()).digest()


def _serializer(secret: bytes) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="review-session")


def current_reviewer() -> str | None:
    """The logged-in analyst's name, or None (curation off, no cookie, a bad or old cookie)."""
    secret = _secret()
    raw = request.cookies.get(SESSION_COOKIE)
    if secret is None or not raw:
        return None
    try:
        data = _serializer(secret).loads(raw, max_age=SESSION_HOURS * 3600)
    except BadSignature:
        return None
    name = data.get("name") if isinstance(data, dict) else None
    return name if isinstance(name, str) else None


def csrf_token() -> str:
    """The token forms carry: an HMAC of this browser's random CSRF cookie (set on the response)."""
    secret = _secret() or b"off"
    nonce = request.cookies.get(CSRF_COOKIE) or g.get("new_csrf")
    if not nonce:
        nonce = g.new_csrf = secrets.token_urlsafe(24)
    return hmac.new(secret, nonce.encode(), hashlib.sha256).hexdigest()


def _check_csrf() -> None:
    nonce = request.cookies.get(CSRF_COOKIE)
    secret = _secret()
    given = request.form.get("csrf", "")
    if secret is None or not nonce:
        raise Forbidden("this form has expired or cookies are off: reload the page and try again")
    expected = hmac.new(secret, nonce.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise Forbidden("the form's security token does not match: reload the page and try again")


def require_writer() -> str:
    """The analyst's name for a write (CSRF checked first). Raises Forbidden."""
    if _secret() is None:
        raise Forbidden("curation is off on this server (set a curation token to enable it)")
    _check_csrf()
    reviewer = current_reviewer()
    if reviewer is None:
        raise Forbidden("log in to make changes (/review/login)")
    return reviewer


@bp.before_request
def _limit_forms() -> None:
    # Per-request limits: the app allows large Graph Store uploads, a review form is small.
    limit = UPLOAD_LIMIT if request.endpoint == "review.upload" else FORM_LIMIT
    request.max_content_length = limit
    request.max_form_memory_size = limit


@bp.after_request
def _set_csrf_cookie(response: Response) -> Response:
    if g.get("new_csrf"):
        response.set_cookie(CSRF_COOKIE, g.new_csrf, httponly=True, samesite="Strict", secure=request.is_secure)
    return response


@bp.app_context_processor
def _review_globals() -> dict[str, Any]:
    return {"csrf_token": csrf_token, "reviewer": current_reviewer, "curation_on": lambda: _secret() is not None}


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_exc: RequestEntityTooLarge) -> tuple[str, int]:
    limit = UPLOAD_LIMIT if request.endpoint == "review.upload" else FORM_LIMIT
    message = f"The form was too large (the limit is {limit // (1024 * 1024)} MB); nothing was changed."
    return render_template("review_message.html", title="Too large", message=message, back=request.path), 413


# ---------------------------------------------------------------------------- login


@bp.route("/review/login", methods=["GET", "POST"])
def login() -> BaseResponse | tuple[str, int] | str:
    """The login form: the curation token and the analyst's name; sets the signed session cookie."""
    secret = _secret()
    if request.method == "GET":
        return render_template("review_login.html", message=None, next=request.args.get("next", ""))
    if secret is None:
        raise Forbidden("curation is off on this server (set a curation token to enable it)")
    _check_csrf()
    token = request.form.get("token", "")
    accepted = [t for t in (settings().curation_token, settings().update_token) if t]
    if not any(hmac.compare_digest(token.encode(), t.encode()) for t in accepted):
        return render_template("review_login.html", message="That token is not right.", next=""), 401
    try:
        name = reviewer_name(request.form.get("name", ""))
    except CurationError as exc:
        return render_template("review_login.html", message=str(exc), next=""), 400
    nxt = request.form.get("next", "")
    response = redirect(nxt if nxt.startswith("/review") else url_for("review.index"))
    cookie = _serializer(secret).dumps({"name": name, "nonce": secrets.token_urlsafe(8)})
    response.set_cookie(SESSION_COOKIE, cookie, max_age=SESSION_HOURS * 3600, httponly=True, samesite="Strict",
                        secure=request.is_secure)  # fmt: skip
    return response


@bp.post("/review/logout")
def logout() -> BaseResponse:
    _check_csrf()
    response = redirect(url_for("review.index"))
    response.delete_cookie(SESSION_COOKIE)
    return response


# ---------------------------------------------------------------------------- documents


@bp.get("/review")
def index() -> str:
    """Every document of the sources folder with its open candidates."""
    return render_template("review_index.html", documents=kg().review_documents())


def _state(document: str) -> DocumentState:
    try:
        return kg().review_state(document)
    except SourceError as exc:
        raise NotFound(f"no document {document!r} to review") from exc


@bp.get("/review/<document>")
def document_page(document: str) -> str:
    """One document: its text with mentions and evidence, the candidates beside it, the history."""
    return _render(_state(document))


@bp.post("/review/<document>")
def document_post(document: str) -> BaseResponse | tuple[str, int]:
    """Every form of the document page posts here: one change through the core, then back to the page."""
    reviewer = require_writer()
    state = _state(document)
    change = Change(
        action=request.form.get("action", ""),
        target=request.form.get("target", ""),
        fields={
            k: request.form[k]
            for k in (*ACTION_FIELDS, "quote", "quote_start", "into", "id", "type", "label", "aliases")
            if k in request.form
        },
        reason=request.form.get("reason", ""),
    )
    try:
        applied = kg().curate(document, change, reviewer=reviewer, version=request.form.get("version", ""))
    except Conflict as exc:
        return _render(_state(document), error=str(exc)), 409
    except KGError as exc:  # bad input or sources that would not load: nothing was changed
        return _render(state, error=_message(exc), form=request.form), 400
    # The page names the change from the history: no text of the URL is shown (no message can be forged).
    return redirect(url_for("review.document_page", document=document, done=applied.record["n"], _anchor="top"))


def _done(state: DocumentState) -> str | None:
    """What change ?done=<n> made, for the confirmation line."""
    number = request.args.get("done", "")
    record = next((h for h in state.history if str(h.get("n")) == number), None)
    if record is None:
        return None
    return f"{str(record['action']).replace('_', ' ')}: {record.get('summary') or record.get('target', '')}"


def _message(exc: KGError) -> str:
    if isinstance(exc, SourceError):
        return f"The sources would not load with this change, so nothing was changed: {exc.message}"
    return str(exc)


def _render(state: DocumentState, *, error: str | None = None, form: Any = None) -> str:
    entities = entity_choices(kg().settings.sources_dir)
    labels = {entity_id: label for entity_id, label, _ in entities}
    return render_template(
        "review_document.html",
        state=state,
        groups=_groups(state),
        segments=_segments(state, labels),
        entities=entities,
        labels=labels,
        relations=relation_choices(),
        relation_labels=dict(relation_choices()),
        classes=class_choices(),
        certainties=CERTAINTIES,
        error=error,
        done=_done(state) if error is None else None,
        form=form or {},
        statement_href=lambda local_id: href(statement_iri(state.document.id, local_id)),
    )


@dataclass
class Group:
    """The candidates taken from one sentence of the text."""

    span: tuple[int, int] | None
    sentence: str
    candidates: list[Any] = field(default_factory=list)


def _groups(state: DocumentState) -> list[Group]:
    """Candidates grouped by the sentence their evidence starts in (unlocated ones last, by quote)."""
    found = sentences(state.document.text)
    groups: dict[tuple[int, int] | None, Group] = {}
    for entry in state.candidates:
        home = next((x for x in found if entry.span and x.start <= entry.span[0] < x.end), None)
        key = (home.start, home.end) if home else entry.span
        text = home.text if home else str(entry.data.get("quote", ""))
        groups.setdefault(key, Group(key, text)).candidates.append(entry)
    return sorted(groups.values(), key=lambda g: g.span or (1 << 30, 0))


@dataclass(frozen=True)
class Segment:
    """A piece of the text and what covers it: mentions, new names, evidence (statement ids)."""

    text: str
    start: int
    mentions: tuple[str, ...] = ()
    candidates: tuple[str, ...] = ()
    reviewed: tuple[str, ...] = ()
    new_names: tuple[str, ...] = ()


def _segments(state: DocumentState, labels: dict[str, str]) -> list[Segment]:
    """The text cut at every edge of a mention, a new-entity candidate or an evidence span."""
    text = state.document.text
    mentions = _spans(state.mentions, "entity")
    names = _spans(state.new_entities, "name")
    evidence = [(e.span[0], e.span[1], e.local_id, e.candidate) for e in (*state.candidates, *state.reviewed) if e.span]
    edges = {0, len(text)} | {x for s, e, _ in (*mentions, *names) for x in (s, e)}
    edges |= {x for s, e, _, _ in evidence for x in (s, e)}
    return [
        Segment(
            text[a:b],
            a,
            tuple(labels.get(m, m) for s, e, m in mentions if s <= a and b <= e),
            tuple(i for s, e, i, cand in evidence if cand and s <= a and b <= e),
            tuple(i for s, e, i, cand in evidence if not cand and s <= a and b <= e),
            tuple(n for s, e, n in names if s <= a and b <= e),
        )
        for a, b in pairwise(sorted(edges))
        if 0 <= a < b <= len(text)
    ]


def _spans(items: list[dict[str, Any]], key: str) -> list[tuple[int, int, str]]:
    return [(int(i["start"]), int(i["end"]), str(i.get(key, ""))) for i in items
            if isinstance(i.get("start"), int) and isinstance(i.get("end"), int)]  # fmt: skip


# ---------------------------------------------------------------------------- upload


@dataclass
class Job:
    """An ingest running in a thread. Its state is a small file in the sources folder, so the page
    polling it may reach any worker process of the server, not only the one running it."""

    id: str
    title: str
    folder: Path
    done: int = 0
    total: int = 0
    document: str | None = None
    error: str | None = None
    finished: bool = False

    @property
    def path(self) -> Path:
        return self.folder / f"{self.id}.json"

    def save(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        fields = {k: getattr(self, k) for k in ("id", "title", "done", "total", "document", "error", "finished")}
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(fields), encoding="utf-8")
        tmp.replace(self.path)

    @classmethod
    def load(cls, folder: Path, job_id: str) -> Job | None:
        if not JOB_ID.fullmatch(job_id) or not (folder / f"{job_id}.json").exists():
            return None
        return cls(folder=folder, **json.loads((folder / f"{job_id}.json").read_text(encoding="utf-8")))


JOB_ID = re.compile(r"[0-9a-f]{32}")
# A finished upload's status file is kept a day, long enough for its progress page to be reloaded.
JOB_KEPT_SECONDS = 86_400


def forget_finished_jobs(folder: Path, *, older_than: float) -> list[str]:
    """Delete the status files of finished uploads last written more than older_than seconds ago; their ids.

    Running jobs are kept whatever their age (a long PDF may take a while).
    """
    if not folder.is_dir():
        return []
    cutoff = time.time() - older_than
    forgotten = []
    for path in folder.glob("*.json"):
        job = Job.load(folder, path.stem)
        if job is not None and job.finished and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            forgotten.append(job.id)
    return forgotten


def _jobs() -> Path:
    return kg().settings.sources_dir / ".uploads"


@bp.get("/review/upload")
def upload_form() -> str:
    return render_template("review_upload.html", message=None)


@bp.post("/review/upload")
def upload() -> BaseResponse | tuple[str, int]:
    """Save the file (or the pasted text) and run the same ingest as the CLI in a thread, then rebuild."""
    require_writer()
    title = request.form.get("title", "").strip()
    upload_file = request.files.get("file")
    pasted = request.form.get("text", "")
    if upload_file is not None and upload_file.filename:
        suffix = Path(secure_filename(upload_file.filename)).suffix.lower()
        if suffix not in UPLOAD_SUFFIXES:
            message = f"Give a text, Markdown, HTML or PDF file ({', '.join(sorted(UPLOAD_SUFFIXES))})."
            return render_template("review_upload.html", message=message), 400
        data = upload_file.read()
    elif pasted.strip():
        suffix, data = ".txt", pasted.replace("\r\n", "\n").encode("utf-8")
    else:
        return render_template("review_upload.html", message="Choose a file or paste a text."), 400
    if not title:
        return render_template("review_upload.html", message="Give the document a title."), 400
    folder = Path(tempfile.mkdtemp(prefix="actorgraph-upload-"))
    stem = secure_filename(Path(upload_file.filename).stem) if upload_file and upload_file.filename else "pasted"
    path = folder / f"{stem or 'document'}{suffix}"
    path.write_bytes(data)
    forget_finished_jobs(_jobs(), older_than=JOB_KEPT_SECONDS)
    job = Job(uuid.uuid4().hex, title, _jobs())
    job.save()
    meta = {k: request.form.get(k, "").strip() or None for k in ("author", "date")}
    worker = threading.Thread(target=_run_ingest, args=(kg(), job, path, title, meta), daemon=True)
    worker.start()
    return redirect(url_for("review.upload_status", job_id=job.id))


def _run_ingest(graph: KnowledgeGraph, job: Job, path: Path, title: str, meta: dict[str, str | None]) -> None:
    def progress(done: int, total: int) -> None:
        # A file write per step of a tenth: enough for the page, cheap for a long document.
        if done == total or total < 10 or done % max(1, total // 10) == 0:
            job.done, job.total = done, total
            job.save()

    try:
        report = graph.add_document(path, title=title, author=meta["author"], date=meta["date"], progress=progress)
        job.document = report.document
    except KGError as exc:
        job.error = str(exc)
    except Exception:  # a bug: logged with its traceback, the page says so (no thread dies silently)
        log.exception("upload %s failed", job.id)
        job.error = "an internal error (logged)"
    finally:
        job.finished = True
        job.save()
        for leftover in _files(path.parent):
            leftover.unlink(missing_ok=True)
        path.parent.rmdir()


def _files(folder: Path) -> Iterator[Path]:
    return (p for p in folder.iterdir() if p.is_file())


@bp.get("/review/upload/<job_id>")
def upload_status(job_id: str) -> BaseResponse | str:
    """The progress page (it reloads itself every second); opens the review page when done."""
    job = Job.load(_jobs(), job_id)
    if job is None:
        raise NotFound("no such upload")
    if job.finished and job.document:
        return redirect(url_for("review.document_page", document=job.document))
    return render_template("review_progress.html", job=job)
