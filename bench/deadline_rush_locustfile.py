"""The producers of the deadline-rush load test (see bench/deadline_rush.py, which writes
the configuration this file reads and runs it with Locust).

Most producers ("rush") sign in through the login form, start an application to the
call, fill every step as a browser posts it (the CSRF token and the hidden fields of each
form read from the page), save drafts several times, add the cut, upload two PDFs and
five stills, review and submit, and keep the project id the portal acknowledged. They
are paced so that their submissions bunch up towards the deadline.

A few wait for the deadline on purpose: their application is complete already (made
before the run with the same text and files). They sign in, look over it, open the review
page before the deadline and click "Submit" on it at their second: one a second before
the deadline, one at the exact second, one a second after, and a few later, who must be
refused with the portal's message.

Nothing here imports Django: this process only speaks HTTP to the portal. Every request
is recorded (kind, start, duration, outcome, status) with what each producer saw, and
written to the file the configuration names when Locust quits.
"""

import json
import os
import random
import re
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import gevent
from gevent import GreenletExit
from locust import HttpUser, events, task
from locust.exception import StopUser

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.deadline_rush import (
    POST_PRODUCTION,
    company_rows,
    cut_values,
    director_values,
    financing_values,
    project_values,
    text,
)

CONFIG = json.loads(Path(os.environ["RUSH_CONFIG"]).read_text(encoding="utf-8"))
LANGUAGE = CONFIG["language"]
PREFIX = f"/{LANGUAGE}/submissions"
FILES = {name: Path(path).read_bytes() for name, path in CONFIG["files"].items()}
# A field that tells each step's form from the other forms of its page.
STEP_FIELDS = {
    "project": "original_title",
    "team": "companies-TOTAL_FORMS",
    "financing": "currency",
}
# Pauses (think time) between the steps of one producer's application.
PAUSES = 17

REQUESTS: list[list] = []  # [kind, start (epoch s), duration ms, ok, error, status]
PRODUCERS: list[dict] = []
_queue = list(CONFIG["producers"])
_done = {"count": 0}


class StepFailedError(Exception):
    """The portal did not answer as a browser would expect: this producer stops here."""


# --- Reading the pages ------------------------------------------------------------------


class FormParser(HTMLParser):
    """The forms of a page with the fields a browser would send (no file inputs, no
    buttons; only checked boxes; what <template> elements hold is left out)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None
        self._template_depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = {key: value if value is not None else "" for key, value in attrs}
        if tag == "template":
            self._template_depth += 1
        if self._template_depth:
            return
        if tag == "form":
            self._form = {"attrs": attrs, "fields": []}
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self._form["fields"].append([name, attrs.get("value", default)])
        elif tag == "select" and name:
            self._select = {"name": name, "options": [], "selected": []}
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            self._select["options"].append(value)
            if "selected" in attrs:
                self._select["selected"].append(value)
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_endtag(self, tag):
        if tag == "template":
            self._template_depth = max(0, self._template_depth - 1)
            return
        if self._template_depth:
            return
        if tag == "select" and self._select is not None and self._form is not None:
            chosen = self._select["selected"] or self._select["options"][:1]
            for value in chosen:
                self._form["fields"].append([self._select["name"], value])
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form["fields"].append(self._textarea)
            self._textarea = None
        elif tag == "form":
            self._form = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data


def find_form(html: str, *, action: str | None = None, field: str | None = None) -> dict:
    """The first post form whose action ends with `action` (None: a form posted to its
    own page, without an action) and that holds `field`."""
    parser = FormParser()
    parser.feed(html)
    for form in parser.forms:
        if form["attrs"].get("method", "get").lower() != "post":
            continue
        target = form["attrs"].get("action", "")
        if (action is None and target) or (action is not None and not target.endswith(action)):
            continue
        if field is not None and field not in {name for name, _value in form["fields"]}:
            continue
        return form
    raise StepFailedError(f"no form with {action or field} in the page")


def filled(form: dict, values: dict, *, extra=()) -> list[tuple[str, str]]:
    """The form's fields with `values` put in: a name given replaces every value the page
    had for it (a list gives several values)."""
    data = [(name, value) for name, value in form["fields"] if name not in values]
    for name, value in values.items():
        for item in value if isinstance(value, list) else [value]:
            data.append((name, str(item)))
    return data + list(extra)


def page_errors(html: str) -> str:
    """The error messages of a page the portal sent back instead of a redirect."""
    found = re.findall(
        r'class="(?:invalid-feedback|alert alert-danger)[^"]*"[^>]*>(.*?)</(?:div|p|span|strong)',
        html,
        flags=re.S,
    )
    text = " | ".join(re.sub(r"<[^>]+>|\s+", " ", item).strip() for item in found)
    return text[:300] or "no error message in the page"


# --- The producer -----------------------------------------------------------------------


class Producer(HttpUser):
    """One producer applying in the last minutes before the deadline."""

    wait_time = staticmethod(lambda: 0)

    def on_start(self):
        plan = _queue.pop(0)
        self.plan = plan
        self.deadline = CONFIG["deadline_epoch"]
        self.random = random.Random(plan["number"])
        self.record = {
            "email": plan["email"],
            "role": plan["role"],
            "project_id": None,
            "acknowledged_id": None,
            "submit": None,
            "step": "",
            "error": "",
            "finished": False,
        }
        PRODUCERS.append(self.record)
        self.pauses_left = PAUSES
        # Until when the steps spread: the submission for most; the review page opened
        # before the deadline for those who wait for it.
        self.target = self.deadline + plan["ready_offset"]

    # -- HTTP, recorded --

    def call(self, method, url, kind, *, expect, **kwargs):
        """One request, counted as a failure unless the status is `expect`."""
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", 120)
        with self.client.request(method, url, name=kind, catch_response=True, **kwargs) as reply:
            if reply.status_code != expect:
                detail = reply.status_code
                if reply.status_code == 200:
                    detail = f"200: {page_errors(reply.text)}"
                reply.failure(f"expected {expect}, got {detail}")
                raise StepFailedError(f"{kind}: expected {expect}, got {detail}")
            reply.success()
            return reply

    def get(self, url, kind):
        return self.call("GET", url, kind, expect=200)

    def post(self, url, kind, data, files=None, *, expect=302):
        reply = self.call("POST", url, kind, expect=expect, data=data, files=files)
        return reply.headers.get("Location", "") if expect == 302 else reply

    def pause(self):
        """Think time, spread so that this producer reaches its target moment."""
        self.pauses_left = max(1, self.pauses_left - 1)
        remaining = self.target - time.time()
        if remaining > 0:
            gevent.sleep(
                min(remaining, remaining / self.pauses_left * self.random.uniform(0.5, 1.5))
            )

    # -- The application --

    @task
    def apply(self):
        try:
            gevent.sleep(self.plan["start_delay"])
            self.sign_in()
            if self.plan["prepared"]:
                project = self.look_over(self.plan["project_id"])
            else:
                project = self.start_application()
                self.fill_project(project)
                self.fill_team(project)
                self.fill_financing(project)
                self.add_materials(project)
                self.edit_again(project)
            self.review_and_submit(project)
            self.record["finished"] = True
        except StepFailedError as error:
            self.record["error"] = str(error)
        except GreenletExit:
            self.record["error"] = "stopped at the time limit"
            raise
        except Exception as error:  # noqa: BLE001 - record anything that stops a producer
            self.record["error"] = f"{type(error).__name__}: {error}"
        finally:
            _done["count"] += 1
            if _done["count"] == CONFIG["users"]:
                # Every producer is through: end the run before --run-time.
                gevent.spawn_later(0.5, self.environment.runner.quit)
        raise StopUser

    def sign_in(self):
        self.record["step"] = "sign in"
        url = f"/{LANGUAGE}/accounts/login/"
        form = find_form(self.get(url, "GET login").text, field="username")
        data = filled(form, {"username": self.plan["email"], "password": CONFIG["password"]})
        location = self.post(url, "POST login", data)
        if "/accounts/login/" in location:
            raise StepFailedError("sign in refused")
        self.dashboard = self.get(f"{PREFIX}/", "GET dashboard").text
        self.pause()

    def start_application(self) -> int:
        self.record["step"] = "apply"
        url = f"{PREFIX}/calls/{CONFIG['call_id']}/apply/"
        form = find_form(self.get(url, "GET apply").text, field="csrfmiddlewaretoken")
        location = self.post(url, "POST apply", filled(form, {}))
        found = re.search(r"/projects/(\d+)/edit/project/", location)
        if not found:
            raise StepFailedError(f"apply: no project in the redirect ({location})")
        project = int(found.group(1))
        self.record["project_id"] = project
        self.pause()
        return project

    def save_step(self, project, step, values, *, button):
        url = f"{PREFIX}/projects/{project}/edit/{step}/"
        form = find_form(self.get(url, f"GET step {step}").text, field=STEP_FIELDS[step])
        self.post(url, f"POST step {step} ({button})", filled(form, values, extra=[(button, "1")]))
        self.pause()

    def fill_project(self, project):
        self.record["step"] = "project"
        number = self.plan["number"]
        # A first draft with the titles, then everything.
        self.save_step(project, "project", project_values(number, complete=False), button="save")
        self.save_step(project, "project", project_values(number, complete=True), button="continue")

    def fill_team(self, project):
        self.record["step"] = "team"
        number = self.plan["number"]
        rows = company_rows(number)
        values = {"companies-TOTAL_FORMS": str(len(rows))}
        for index, row in enumerate(rows):
            values.update({f"companies-{index}-{name}": value for name, value in row.items()})
        values.update(
            {f"directors-0-{name}": value for name, value in director_values(number).items()}
        )
        self.save_step(project, "team", values, button="continue")

    def fill_financing(self, project):
        self.record["step"] = "financing"
        values = financing_values(CONFIG["expected_completion"])
        self.save_step(project, "financing", values, button="save")
        values["post_production-TOTAL_FORMS"] = str(len(POST_PRODUCTION))
        for index, row in enumerate(POST_PRODUCTION):
            values.update({f"post_production-{index}-{name}": v for name, v in row.items()})
        self.save_step(project, "financing", values, button="continue")

    def add_materials(self, project):
        materials = f"{PREFIX}/projects/{project}/materials/"
        self.record["step"] = "materials"
        self.get(materials, "GET materials")
        self.pause()

        self.record["step"] = "cut"
        url = f"{PREFIX}/projects/{project}/cuts/new/"
        form = find_form(self.get(url, "GET cut form").text, field="runtime")
        cut = cut_values(self.plan["number"], CONFIG["cut_date"])
        self.post(url, "POST cut", filled(form, cut))
        page = self.get(materials, "GET materials").text
        self.pause()

        self.record["step"] = "documents"
        for kind in ("budget", "financing_plan"):
            url = f"{PREFIX}/projects/{project}/documents/new/"
            form = find_form(self.get(f"{url}?kind={kind}", "GET document form").text, field="kind")
            files = [("file", (f"{kind}.pdf", FILES[kind], "application/pdf"))]
            self.post(url, "POST document (PDF)", filled(form, {"kind": kind}), files)
            page = self.get(materials, "GET materials").text
            self.pause()

        self.record["step"] = "stills"
        for batch in (("still-1", "still-2", "still-3"), ("still-4", "still-5")):
            form = find_form(page, action=f"/projects/{project}/stills/new/")
            files = [("images", (f"{name}.jpg", FILES[name], "image/jpeg")) for name in batch]
            caption = {"caption": "Rosa en el salar, al amanecer"}
            self.post(
                f"{PREFIX}/projects/{project}/stills/new/",
                "POST stills",
                filled(form, caption),
                files,
            )
            page = self.get(materials, "GET materials").text
            self.pause()
        self.thumbnails(page)

    def thumbnails(self, page):
        """A still's thumbnail shows once its versions are made (in the request here)."""
        found = re.findall(r'src="([^"]+/stills/\d+/thumb/)"', page)
        self.record["thumbnails_shown"] = len(found)
        for thumbnail in found:
            self.get(thumbnail, "GET still thumbnail")

    def look_over(self, project) -> int:
        """A producer whose application is ready opens it from the dashboard and looks
        at its materials before the review page."""
        self.record["step"] = "look over"
        self.record["project_id"] = project
        if f"/projects/{project}/" not in self.dashboard:
            raise StepFailedError(f"project {project} is not on the dashboard")
        self.get(f"{PREFIX}/projects/{project}/", "GET project")
        self.pause()
        self.thumbnails(self.get(f"{PREFIX}/projects/{project}/materials/", "GET materials").text)
        self.pause()
        return project

    def edit_again(self, project):
        """A last look at the first step: the logline changes once more."""
        self.record["step"] = "project again"
        values = project_values(self.plan["number"], complete=True)
        values["logline"] = text(260, self.plan["number"] + 7)
        self.save_step(project, "project", values, button="save")

    def review_and_submit(self, project):
        self.record["step"] = "review"
        review = self.get(f"{PREFIX}/projects/{project}/review/", "GET review").text
        if time.time() >= self.deadline and f"/projects/{project}/submit/" not in review:
            raise StepFailedError("the call had closed when the review page opened")
        form = find_form(review, action=f"/projects/{project}/submit/")
        if self.plan["submit_offset"] is not None:
            # The review page stays open until the chosen second; the producer then
            # clicks "Submit" on it.
            sleep_until(self.deadline + self.plan["submit_offset"])
        self.record["step"] = "submit"
        url = f"{PREFIX}/projects/{project}/submit/"
        sent = time.time()
        kind = "POST submit" if sent < self.deadline else "POST submit (deadline passed)"
        with self.client.post(
            url,
            data=filled(form, {}),
            name=kind,
            catch_response=True,
            allow_redirects=False,
            timeout=120,
        ) as reply:
            received = time.time()
            outcome = self.submit_outcome(reply, project)
            self.record["submit"] = {
                "sent": sent,
                "received": received,
                "sent_from_deadline_s": round(sent - self.deadline, 4),
                **outcome,
            }
            # Sent at or after the deadline: refused. Answered before it: accepted. In
            # between, the server judged it at a moment the client cannot know.
            if sent >= self.deadline and outcome["outcome"] != "refused":
                reply.failure(f"submission sent after the deadline: {outcome['outcome']}")
            elif received < self.deadline and outcome["outcome"] != "accepted":
                reply.failure(f"submission answered before the deadline: {outcome['outcome']}")
            elif outcome["outcome"] not in ("accepted", "refused"):
                reply.failure(f"submission {outcome['outcome']}")
            else:
                reply.success()
        if outcome["outcome"] == "accepted":
            # The redirect to the project's page is the acknowledgment; the page says so.
            self.record["acknowledged_id"] = outcome["project_id"]
            page = self.get(f"{PREFIX}/projects/{project}/", "GET project").text
            if CONFIG["submitted_message"] not in page:
                raise StepFailedError("the project page does not say the application is submitted")

    def submit_outcome(self, reply, project) -> dict:
        if reply.status_code == 302:
            found = re.search(r"/projects/(\d+)/$", reply.headers.get("Location", ""))
            if found:
                return {"outcome": "accepted", "project_id": int(found.group(1))}
        if reply.status_code == 200:
            page = reply.text
            if CONFIG["not_submitted_message"] in page:
                return {
                    "outcome": "refused",
                    "deadline_message": CONFIG["deadline_message"] in page,
                    "reason": page_errors(page),
                }
        return {"outcome": f"unexpected {reply.status_code}"}


def sleep_until(moment: float) -> None:
    while (left := moment - time.time()) > 0:
        gevent.sleep(min(left, 0.5))


@events.request.add_listener
def _record_request(name, response_time, exception, start_time, response=None, **kwargs):
    status = getattr(response, "status_code", 0) or 0
    REQUESTS.append(
        [name, start_time, response_time, exception is None, str(exception or "")[:300], status]
    )


@events.quitting.add_listener
def _write_records(environment, **kwargs):
    Path(CONFIG["record_path"]).write_text(
        json.dumps({"requests": REQUESTS, "producers": PRODUCERS}), encoding="utf-8"
    )
