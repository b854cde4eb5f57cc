"""Simulated students: each one a ``requests`` session (its own cookie jar) that takes the real
survey pages the way a browser does — code, language, introduction, every page shown with
answers, the finish step and the thank-you page — and retries what failed.

A student picks random valid answers (seeded, so a run can be repeated), follows the routing
the server applies (follow-up questions only after a "yes"), and keeps what it answered, so the
stored response can be compared with it afterwards. Like the browser script, it makes up a
random submission id before sending and sends the same id again on every retry.
"""

from __future__ import annotations

import random
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import requests

from oko.questionnaire import Answer, Item, Page, Questionnaire

from .world import World

CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]*)"')
#: Texts a student might leave in the comments box (non-ASCII included on purpose).
COMMENTS = (
    "Leuke vragenlijst.",
    "Sommige vragen waren moeilijk — vooral over school.",
    "ok",
    "Ça va, merci! Ünïcödé ✓",
)
SKIP_PROBABILITY = 0.03
COMMENT_PROBABILITY = 0.3


class StudentFailed(RuntimeError):
    """A page answered in a way a real browser would not cope with (an unexpected status, or
    failures for longer than the retry budget)."""


@dataclass(frozen=True)
class RetryPolicy:
    """Retries of a request that failed with a connection error, a timeout or a 5xx status."""

    attempts: int = 1
    backoff_seconds: float = 0.2
    max_backoff_seconds: float = 2.0
    timeout_seconds: float = 30.0


NO_RETRIES = RetryPolicy()
PATIENT = RetryPolicy(attempts=60)


class Recorder:
    """Latency samples per kind of request, shared by all students (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.samples: dict[str, list[float]] = {}
        self.failures: dict[str, int] = {}
        #: Why requests failed ("ConnectionError: ... RemoteDisconnected", "HTTP 503"), counted.
        self.causes: dict[str, int] = {}

    def add(self, kind: str, seconds: float) -> None:
        with self._lock:
            self.samples.setdefault(kind, []).append(seconds)

    def failed(self, kind: str, cause: str = "") -> None:
        with self._lock:
            self.failures[kind] = self.failures.get(kind, 0) + 1
            self.causes[cause] = self.causes.get(cause, 0) + 1

    @property
    def requests(self) -> int:
        return sum(len(values) for values in self.samples.values())


@dataclass
class Student:
    """One student's browser."""

    base_url: str
    world: World
    index: int
    recorder: Recorder
    retry: RetryPolicy = NO_RETRIES
    seed: int = 0
    #: Mean seconds spent reading and answering a page before pressing Next or Send (0: none).
    think_seconds: float = 0.0
    language: str = ""
    answers: dict[str, Answer] = field(default_factory=dict)
    submission_id: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    acknowledged: bool = False
    location: str = ""
    http: requests.Session = field(default_factory=requests.Session)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed * 1_000_003 + self.index)
        self.code = self.world.code_for(self.index)
        self.language = self.language or self.rng.choice(("nl", "en"))

    @property
    def questionnaire(self) -> Questionnaire:
        return self.world.questionnaire

    # The way through.

    def run(self) -> Student:
        self.start()
        while self.answer_page():
            pass
        self.send()
        return self

    def start(self) -> None:
        """Language and code, introduction, Start: ends with a draft and the first page's URL.

        The language is chosen once, on the entry page; the wave offers it, so the code leads
        straight on to the introduction."""
        entry = self._request("code", "GET", f"/?lang={self.language}")
        self._request(
            "code", "POST", "/", {"code": self.code, "csrf_token": _csrf(entry)}, expect=302
        )
        self._request("language", "GET", f"/s/{self.code}", expect=302)
        intro = self._request("intro", "GET", f"/s/{self.code}/intro")
        started = self._request(
            "start", "POST", f"/s/{self.code}/start", {"csrf_token": _csrf(intro)}, expect=302
        )
        self.location = _path(started.headers["Location"])

    def answer_page(self, *, save_via: str | None = None) -> bool:
        """Show the current page, answer what is shown, press Next; False at the finish step.

        ``save_via``: the base URL of another app server that receives the Next (a load
        balancer may send the page and its form to different servers).
        """
        if not self.at_page:
            return False
        shown = self._request("page_get", "GET", self.location)
        page = self.questionnaire.page(self.location.rsplit("/p/", 1)[1].split("?")[0])
        given = self._choose(page)
        fields = [("csrf_token", _csrf(shown)), ("restore", ""), ("action", "next")]
        fields += _form_fields(given)
        self._think()
        saved = self._request(
            "page_save", "POST", self.location, fields, expect=302, base_url=save_via
        )
        self.answers.update(given)
        self.location = _path(saved.headers["Location"])
        return self.at_page

    @property
    def at_page(self) -> bool:
        return "/p/" in self.location

    def send(self) -> None:
        """The finish step and Send; acknowledged once the thank-you page is shown."""
        self.submit(self.open_finish())

    def open_finish(self) -> dict[str, str]:
        """Show the finish step; returns the form to send (with this student's id)."""
        if not self.location.split("?")[0].endswith("/finish"):
            raise StudentFailed(f"student {self.index} expected the finish step at {self.location}")
        finish = self._request("finish_get", "GET", self.location)
        return {
            "csrf_token": _csrf(finish),
            "restore": "",
            "submission_id": self.submission_id,
            "action": "send",
        }

    def submit(self, form: dict[str, str]) -> None:
        """Press Send (again, after a failure: the same form and submission id)."""
        self._think()
        sent = self._request("submit", "POST", self.location, form, expect=302)
        thanks = _path(sent.headers["Location"])
        if thanks != f"/thanks/{self.submission_id}":
            raise StudentFailed(f"student {self.index}: submit led to {thanks}")
        self.acknowledged = True
        self._request("thanks", "GET", thanks)

    def resume(self) -> None:
        """Where the survey sends this student now (e.g. after moving to another server)."""
        response = self._request("language", "GET", f"/s/{self.code}", expect=302)
        self.location = _path(response.headers["Location"])

    def _think(self) -> None:
        """A pause drawn from an exponential distribution, at most five times the mean."""
        if self.think_seconds > 0:
            pause = self.rng.expovariate(1 / self.think_seconds)
            time.sleep(min(pause, 5 * self.think_seconds))

    # Answers.

    def _choose(self, page: Page) -> dict[str, Answer]:
        """Random valid answers to the items the server shows, in page order (an answer can
        show or hide a later item on the same page)."""
        given: dict[str, Answer] = {}
        for item in page.items:
            if item.id not in self.questionnaire.visible_ids({**self.answers, **given}):
                continue
            if self.rng.random() < SKIP_PROBABILITY:
                continue
            value = self._value(item)
            if value is not None:
                given[item.id] = value
        return given

    def _value(self, item: Item) -> Answer:
        rng = self.rng
        if item.type == "single":
            return rng.choice(item.codes)
        if item.type == "multiple":
            return sorted(rng.sample(item.codes, rng.randint(1, min(3, len(item.codes)))))
        if item.type == "integer":
            low = item.min if item.min is not None else 0
            return rng.randint(low, item.max if item.max is not None else low + 100)
        if rng.random() < COMMENT_PROBABILITY:
            return rng.choice(COMMENTS)[: item.max_length or None]
        return None

    # HTTP.

    def _request(
        self,
        kind: str,
        method: str,
        path: str,
        data: object = None,
        *,
        expect: int = 200,
        base_url: str | None = None,
    ) -> requests.Response:
        """One request, retried per the policy on a connection error, timeout or 5xx."""
        url = urljoin(base_url or self.base_url, path)
        problem = ""
        for attempt in range(self.retry.attempts):
            if attempt:
                pause = self.retry.backoff_seconds * 2 ** min(attempt - 1, 8)
                time.sleep(min(pause, self.retry.max_backoff_seconds))
            began = time.perf_counter()
            try:
                response = self.http.request(
                    method,
                    url,
                    data=data,
                    allow_redirects=False,
                    timeout=self.retry.timeout_seconds,
                )
            except requests.RequestException as exc:
                problem = f"{type(exc).__name__}: {exc}"
                self.recorder.failed(kind, _cause(exc))
                continue
            self.recorder.add(kind, time.perf_counter() - began)
            if response.status_code == expect:
                return response
            if response.status_code >= 500:
                problem = f"HTTP {response.status_code}"
                self.recorder.failed(kind, problem)
                continue
            raise StudentFailed(
                f"student {self.index}: {method} {path} gave {response.status_code}, "
                f"expected {expect}: {response.text[:300]!r}"
            )
        raise StudentFailed(f"student {self.index}: {method} {path} failed: {problem}")


def _cause(exc: requests.RequestException) -> str:
    """The exception and the innermost one it wraps, e.g. ``ConnectionError:
    RemoteDisconnected`` (urllib3 keeps it in ``reason`` or among the arguments)."""
    inner: BaseException = exc
    for _ in range(5):
        nested = getattr(inner, "reason", None)
        if not isinstance(nested, BaseException):
            nested = next((a for a in inner.args if isinstance(a, BaseException)), None)
        if nested is None:
            break
        inner = nested
    return f"{type(exc).__name__}: {type(inner).__name__}"


def _csrf(response: requests.Response) -> str:
    match = CSRF_FIELD.search(response.text)
    if match is None:
        raise StudentFailed(f"no CSRF token on {response.url}")
    return match.group(1)


def _path(location: str) -> str:
    """A Location header as a path with query (absolute or relative, as the server sends)."""
    parts = urlsplit(location)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _form_fields(answers: dict[str, Answer]) -> list[tuple[str, str]]:
    """Form fields as a browser posts them: ``q_<id>``, one field per ticked box."""
    fields: list[tuple[str, str]] = []
    for item_id, value in answers.items():
        values = value if isinstance(value, list) else [value]
        fields += [(f"q_{item_id}", str(v)) for v in values]
    return fields
