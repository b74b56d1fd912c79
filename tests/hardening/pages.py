"""Reading the portal's pages as a browser would: the forms a page shows (their address,
method, fields, options and buttons), the error messages it shows, and the values its
fields hold after a refused post. html.parser from the standard library is enough."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.urls import Resolver404, resolve

TEXT_TYPES = {"text", "email", "url", "search", "tel", "number", "date", "datetime-local", "time"}
# Elements whose text is a message the person reads when something is refused.
ERROR_CLASSES = {"invalid-feedback", "errorlist", "alert-danger", "alert-warning"}


@dataclass
class Field:
    name: str
    kind: str  # an <input> type, "textarea", "select" or "select-multiple"
    value: str = ""
    options: list[str] = field(default_factory=list)  # select options, radio/checkbox values
    selected: list[str] = field(default_factory=list)
    disabled: bool = False

    @property
    def typed(self) -> bool:
        """A field whose value the person types (and expects to find again)."""
        return not self.disabled and (self.kind in TEXT_TYPES or self.kind == "textarea")


@dataclass
class Form:
    page: str
    action: str
    enctype: str
    method: str = "post"
    fields: dict[str, Field] = field(default_factory=dict)
    buttons: list[tuple[str, str]] = field(default_factory=list)  # (name, value) of submits

    @property
    def path(self) -> str:
        return urlsplit(self.action).path

    @property
    def endpoint(self) -> str:
        try:
            return resolve(self.path).view_name
        except Resolver404:
            return ""

    @property
    def has_files(self) -> bool:
        return any(f.kind == "file" for f in self.fields.values())

    def initial(self) -> dict[str, list[str]]:
        """What the browser would send without the person touching anything."""
        data = {}
        for f in self.fields.values():
            if f.disabled or f.kind in {"file", "submit", "button", "reset", "image"}:
                continue
            if f.kind in {"checkbox", "radio", "select", "select-multiple"}:
                if f.selected:
                    data[f.name] = list(f.selected)
                elif f.kind == "select" and f.options:
                    data[f.name] = [f.options[0]]
            else:
                data[f.name] = [f.value]
        return data


class _FormParser(HTMLParser):
    def __init__(self, page_url):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self.by_id: dict[str, Form] = {}
        self.form: Form | None = None
        self.textarea: Field | None = None
        self.select: Field | None = None
        self.option: list | None = None  # [value or None, text, selected]
        self.error_depth = 0
        self.template_depth = 0
        self.depth_stack: list[bool] = []
        self.errors: list[str] = []
        self._error_text: list[str] = []

    # Errors: the text of any element carrying an error class.
    def _open_error(self, attrs):
        classes = set((dict(attrs).get("class") or "").split())
        is_error = bool(classes & ERROR_CLASSES)
        self.depth_stack.append(is_error)
        if is_error:
            self.error_depth += 1

    def _close_error(self):
        if self.depth_stack and self.depth_stack.pop():
            self.error_depth -= 1
            if self.error_depth == 0:
                text = " ".join("".join(self._error_text).split())
                if text:
                    self.errors.append(text)
                self._error_text = []

    VOID = {"input", "br", "img", "hr", "meta", "link", "source", "wbr", "area", "col", "embed"}

    def _target(self, a) -> Form | None:
        """The form a field belongs to: the one it is in, or the one its `form`
        attribute names (which may come later in the page)."""
        if a.get("form"):
            return self.by_id.setdefault(a["form"], Form(self.page_url, "", ""))
        return self.form

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self._open_error(attrs)
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            form = self.by_id.get(a["id"]) if a.get("id") else None
            form = form or Form(self.page_url, "", "")
            form.method = (a.get("method") or "get").lower()
            form.action = urljoin(self.page_url, a.get("action") or self.page_url)
            form.enctype = a.get("enctype") or "application/x-www-form-urlencoded"
            if a.get("id"):
                self.by_id[a["id"]] = form
            self.forms.append(form)
            self.form = form
            return
        if tag == "template":
            self.template_depth += 1
        target = self._target(a)
        if target is None or self.template_depth:
            return  # a <template>'s fields are not sent (a script copies them)
        name = a.get("name")
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in {"submit", "image"}:
                if name:
                    target.buttons.append((name, a.get("value", "")))
                return
            if not name:
                return
            disabled = "disabled" in a
            if kind in {"checkbox", "radio"}:
                f = target.fields.setdefault(name, Field(name, kind, disabled=disabled))
                f.options.append(a.get("value", "on"))
                if "checked" in a:
                    f.selected.append(a.get("value", "on"))
            else:
                target.fields[name] = Field(name, kind, a.get("value", ""), disabled=disabled)
        elif tag == "textarea" and name:
            self.textarea = Field(name, "textarea", "", disabled="disabled" in a)
            target.fields[name] = self.textarea
        elif tag == "select" and name:
            kind = "select-multiple" if "multiple" in a else "select"
            self.select = Field(name, kind, disabled="disabled" in a)
            target.fields[name] = self.select
        elif tag == "option" and self.select is not None:
            self.option = [a.get("value"), "", "selected" in a]
        elif tag == "button" and name and (a.get("type") or "submit").lower() == "submit":
            target.buttons.append((name, a.get("value", "")))

    def handle_endtag(self, tag):
        if tag not in self.VOID:
            self._close_error()
        if tag == "form":
            self.form = None
        elif tag == "template":
            self.template_depth -= 1
        elif tag == "textarea":
            if self.textarea is not None and self.textarea.value.startswith("\n"):
                # HTML drops the newline right after <textarea>; Django writes one.
                self.textarea.value = self.textarea.value[1:]
            self.textarea = None
        elif tag == "select":
            self.select = None
        elif tag == "option":
            self._end_option()

    def _end_option(self):
        if self.option is not None and self.select is not None:
            value = self.option[0] if self.option[0] is not None else self.option[1].strip()
            self.select.options.append(value)
            if self.option[2]:
                self.select.selected.append(value)
        self.option = None

    def handle_data(self, data):
        if self.error_depth:
            self._error_text.append(data)
        if self.textarea is not None:
            self.textarea.value += data
        elif self.option is not None:
            self.option[1] += data


def parse(html: str, page_url: str) -> tuple[list[Form], list[str]]:
    """The forms of a page (POST and GET) and the error messages it shows."""
    parser = _FormParser(page_url)
    parser.feed(html)
    parser.close()
    return [form for form in parser.forms if form.action], parser.errors


def forms_of(html: str, page_url: str, method: str = "post") -> list[Form]:
    return [form for form in parse(html, page_url)[0] if form.method == method]


def errors_of(html: str) -> list[str]:
    return parse(html, "/")[1]
