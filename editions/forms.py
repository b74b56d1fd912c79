"""Forms of the staff pages. Each keeps what was typed and puts a clear message by the
field at fault; the models' clean() and constraints give the rest."""

import io
import re
import warnings
from datetime import UTC

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries import countries
from PIL import Image, ImageOps

from outbox.models import MailStatus

from . import activity, selectors
from .mail_templates import check_text, kind_label
from .models import (
    Call,
    Edition,
    EditionState,
    Material,
    ProductionStage,
    Programme,
    Session,
    SubtitleLanguage,
)
from .validators import time_zone_names

# The largest primary key (a BigAutoField): an id typed beyond it is refused by its field,
# rather than overflowing the database driver (SQLite raises OverflowError).
ID_MAX = 2**63 - 1

# --- Logo -------------------------------------------------------------------------------

LOGO_FORMATS = {"PNG", "JPEG", "WEBP"}
LOGO_MAX_BYTES = 5 * 1024 * 1024
LOGO_MAX_SIDE = 4000


def clean_logo_upload(upload: UploadedFile) -> ContentFile:
    """Check that an upload is a real PNG, JPEG or WebP image of reasonable size, and
    return it re-encoded as a PNG with no metadata (EXIF, GPS, comments, profiles)."""
    if upload.size > LOGO_MAX_BYTES:
        raise ValidationError(
            _("This file is %(size)s; a logo may be at most %(limit)s."),
            code="file_too_large",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(LOGO_MAX_BYTES)},
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow only warns below twice its pixel limit: refuse those images too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                if image.format not in LOGO_FORMATS:
                    raise ValidationError(
                        _("Upload a PNG, JPEG or WebP image."), code="invalid_image_format"
                    )
                width, height = image.size
                if width > LOGO_MAX_SIDE or height > LOGO_MAX_SIDE:
                    raise ValidationError(
                        _(
                            "This image is %(width)s × %(height)s pixels; a logo may be at "
                            "most %(limit)s × %(limit)s."
                        ),
                        code="image_too_large",
                        params={"width": width, "height": height, "limit": LOGO_MAX_SIDE},
                    )
                image.load()
                upright = ImageOps.exif_transpose(image)
                has_alpha = "A" in upright.mode or "transparency" in upright.info
                clean = upright.convert("RGBA" if has_alpha else "RGB")
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("This image is too large to be opened safely."), code="decompression_bomb"
        ) from None
    except Exception:  # noqa: BLE001 - Pillow raises many kinds of errors on bad data
        raise ValidationError(
            _("This file is not an image, or it is damaged. Upload a PNG, JPEG or WebP image."),
            code="invalid_image",
        ) from None
    clean.info = {}
    buffer = io.BytesIO()
    clean.save(buffer, format="PNG", optimize=True)
    # programme_logo_path() stores it under a random name with this suffix.
    return ContentFile(buffer.getvalue(), name="logo.png")


class StoredLogo:
    """The current logo as the file input shows it. Stored files have no public URL:
    the link goes through the logo view."""

    def __init__(self, programme):
        self.name = _("current logo")
        self.url = reverse("editions:programme_logo", kwargs={"programme": programme.slug})

    def __str__(self):
        return str(self.name)


# --- Team members by email ---------------------------------------------------------------


class EmailListField(forms.CharField):
    """Email addresses, one per line (commas and spaces are accepted too), returned as a
    list of distinct lower-case addresses."""

    widget = forms.Textarea(attrs={"rows": 4, "autocomplete": "off", "spellcheck": "false"})

    def to_python(self, value):
        value = super().to_python(value)
        emails = []
        for item in re.split(r"[\s,;]+", value or ""):
            email = item.strip().lower()
            if email and email not in emails:
                emails.append(email)
        return emails

    def validate(self, value):
        super().validate(value)
        invalid = []
        for email in value:
            try:
                validate_email(email)
            except ValidationError:
                invalid.append(email)
        if invalid:
            raise ValidationError(
                _("Not an email address: %(emails)s."),
                code="invalid_email",
                params={"emails": ", ".join(invalid)},
            )


class ProgrammeForm(forms.ModelForm):
    logo = forms.FileField(
        label=capfirst(_("logo")),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
        help_text=_(
            "PNG, JPEG or WebP, at most 5 MB and 4000 × 4000 pixels. It is stored as a PNG, "
            "without the photo's metadata."
        ),
    )
    website = forms.URLField(
        label=capfirst(_("website")), required=False, max_length=200, assume_scheme="https"
    )
    team_emails = EmailListField(
        label=capfirst(_("festival staff")),
        required=False,
        help_text=_(
            "Email addresses of the people who run this programme, one per line. Each needs "
            "an account on the portal."
        ),
    )

    class Meta:
        model = Programme
        fields = ["name", "slug", "organisers", "description", "website", "logo"]
        widgets = {"description": forms.Textarea(attrs={"rows": 6, "data-counter": ""})}

    def __init__(self, *args, editor, **kwargs):
        super().__init__(*args, **kwargs)
        self.editor = editor
        if self.instance.logo:
            self.initial["logo"] = StoredLogo(self.instance)
        if self.instance.pk:
            # The address of a programme's pages does not change once people link to it.
            del self.fields["slug"]
            self.fields["team_emails"].initial = "\n".join(
                self.instance.team.order_by("email").values_list("email", flat=True)
            )
        elif not editor.is_superuser:
            self.fields["team_emails"].initial = editor.email

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if isinstance(logo, UploadedFile):
            return clean_logo_upload(logo)
        if isinstance(logo, StoredLogo):
            return self.instance.logo
        return logo

    def clean_team_emails(self):
        emails = self.cleaned_data["team_emails"]
        users = list(get_user_model().objects.filter(email__in=emails, is_active=True))
        found = {user.email.lower() for user in users}
        missing = [email for email in emails if email not in found]
        if missing:
            raise ValidationError(
                _(
                    "No active account uses %(emails)s. Ask them to create an account "
                    "first, then add them here."
                ),
                code="unknown_user",
                params={"emails": ", ".join(missing)},
            )
        if not self.editor.is_superuser and self.editor not in users:
            raise ValidationError(
                _(
                    "You cannot remove yourself from the team: ask another team member or "
                    "an administrator."
                ),
                code="cannot_remove_self",
            )
        return users

    @property
    def team(self):
        return self.cleaned_data["team_emails"]


# --- Editions ------------------------------------------------------------------------------


def time_zone_choices():
    """Zone names grouped by region (America, Europe…), as a <select> with groups."""
    groups: dict[str, list[tuple[str, str]]] = {}
    others = []
    for name in time_zone_names():
        region, _slash, place = name.partition("/")
        if place:
            groups.setdefault(region, []).append((name, name))
        else:
            others.append((name, name))
    choices = [("", _("Choose a time zone"))]
    choices += [(region, zones) for region, zones in sorted(groups.items())]
    choices.append((_("Other"), others))
    return choices


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class FilterDateField(forms.DateField):
    """A day that bounds a list: its start or the day after it, in the edition's time
    zone, is compared in UTC, which the first and last days of the calendar fall off."""

    first_year, last_year = 1900, 2999

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", DateInput)
        super().__init__(**kwargs)

    def to_python(self, value):
        day = super().to_python(value)
        if day is not None and not self.first_year <= day.year <= self.last_year:
            raise ValidationError(
                _("Enter a day between the years %(first)s and %(last)s."),
                code="out_of_range",
                params={"first": self.first_year, "last": self.last_year},
            )
        return day


class EditionForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label=capfirst(_("time zone")),
        choices=time_zone_choices,
        help_text=_(
            "The festival's time zone: call deadlines are entered and shown in it, "
            "e.g. Europe/Paris or America/Lima."
        ),
        error_messages={
            "invalid_choice": _(
                "“%(value)s” is not a known time zone, e.g. Europe/Paris or America/Lima."
            ),
        },
    )

    class Meta:
        model = Edition
        fields = ["number", "year", "slug", "title", "time_zone", "starts_on", "ends_on"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def validate_unique(self):
        """The programme is not a field of this form (the view sets it), so Django would
        skip the (programme, slug) and (programme, number) constraints: check them here
        and report them by the field."""
        super().validate_unique()
        programme_id = self.instance.programme_id
        if programme_id is None:
            return
        others = Edition.objects.filter(programme_id=programme_id).exclude(pk=self.instance.pk)
        slug = self.cleaned_data.get("slug")
        if slug and "slug" not in self.errors and others.filter(slug=slug).exists():
            self.add_error(
                "slug",
                ValidationError(
                    _("This programme already has an edition at “%(slug)s”. Choose another."),
                    code="unique",
                    params={"slug": slug},
                ),
            )
        number = self.cleaned_data.get("number")
        if number and "number" not in self.errors and others.filter(number=number).exists():
            self.add_error(
                "number",
                ValidationError(
                    _("This programme already has an edition number %(number)s."),
                    code="unique",
                    params={"number": number},
                ),
            )


class EditionStateForm(forms.Form):
    state = forms.ChoiceField(choices=EditionState.choices)


# --- Sessions --------------------------------------------------------------------------------


class SessionForm(forms.ModelForm):
    places = forms.IntegerField(
        label=capfirst(pgettext_lazy("number of films selected", "places")),
        min_value=1,
        max_value=100,
        initial=6,
        help_text=_("How many films are selected for this session."),
        error_messages={
            "min_value": _("A session selects at least %(limit_value)s film."),
            "max_value": _("A session selects at most %(limit_value)s films."),
        },
    )

    class Meta:
        model = Session
        fields = ["name", "city", "country", "venue", "starts_on", "ends_on", "places"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.edition_id is None:
            return
        edition = self.instance.edition
        for name in ("starts_on", "ends_on"):
            self.fields[name].widget.attrs.update(
                {"min": edition.starts_on.isoformat(), "max": edition.ends_on.isoformat()}
            )


# --- Calls -------------------------------------------------------------------------------------

# Countries shown first, in groups, so that a fund's 19 members are ticked in one place.
LATIN_AMERICA_CARIBBEAN = {
    "AG", "AR", "BB", "BO", "BR", "BS", "BZ", "CL", "CO", "CR", "CU", "DM", "DO", "EC", "GD",
    "GT", "GY", "HN", "HT", "JM", "KN", "LC", "MX", "NI", "PA", "PE", "PR", "PY", "SR", "SV",
    "TT", "UY", "VC", "VE",
}  # fmt: skip
EUROPE = {
    "AD", "AL", "AT", "BA", "BE", "BG", "BY", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI",
    "FR", "GB", "GR", "HR", "HU", "IE", "IS", "IT", "LI", "LT", "LU", "LV", "MC", "MD", "ME",
    "MK", "MT", "NL", "NO", "PL", "PT", "RO", "RS", "RU", "SE", "SI", "SK", "SM", "UA", "VA",
}  # fmt: skip


def country_groups():
    """[(group label, [(code, name), …]), …] in the current language's alphabetical order."""
    latin, europe, rest = [], [], []
    for code, name in countries:
        if code in LATIN_AMERICA_CARIBBEAN:
            latin.append((code, name))
        elif code in EUROPE:
            europe.append((code, name))
        else:
            rest.append((code, name))
    return [
        (_("Latin America and the Caribbean"), latin),
        (_("Europe"), europe),
        (_("Rest of the world"), rest),
    ]


class LocalDateTimeField(forms.DateTimeField):
    """A date and time typed in the current time zone (the edition's, see
    EditionTimeZoneMixin) with a browser date-time picker. Times that do not exist or
    happen twice when the clocks change are refused with a message."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
    # Stored in UTC and moved by days (reminders, deadlines): a moment near the year 1 or
    # 9999 falls off the calendar there, and no festival plans that far.
    first_year, last_year = 1900, 2999

    def to_python(self, value):
        moment = self._to_python(value)
        if moment is not None and not self.first_year <= moment.year <= self.last_year:
            raise ValidationError(
                _("Enter a day and time between the years %(first)s and %(last)s."),
                code="out_of_range",
                params={"first": self.first_year, "last": self.last_year},
            )
        return moment

    def _to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError as error:
            if error.code != "ambiguous_timezone":
                raise
            moment = error.params["datetime"]
            zone = timezone.get_current_timezone()
            there_and_back = moment.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)
            params = {"time": moment.strftime("%Y-%m-%d %H:%M"), "zone": str(zone)}
            if there_and_back.replace(tzinfo=None) != moment:
                raise ValidationError(
                    _(
                        "%(time)s does not exist in %(zone)s: the clocks move forward at "
                        "that moment. Choose another time."
                    ),
                    code="nonexistent_time",
                    params=params,
                ) from None
            raise ValidationError(
                _(
                    "%(time)s happens twice in %(zone)s, because the clocks go back at that "
                    "moment. Choose another time."
                ),
                code="ambiguous_time",
                params=params,
            ) from None


def choice_list_field(choices, *, label, help_text, required_message):
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
        error_messages={
            "required": required_message,
            "invalid_choice": _("“%(value)s” is not one of the choices."),
        },
    )


class CallForm(forms.ModelForm):
    opens_at = LocalDateTimeField(label=capfirst(_("opens")))
    closes_at = LocalDateTimeField(label=capfirst(_("deadline")))
    eligible_countries = forms.MultipleChoiceField(
        label=capfirst(_("eligible countries")),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=Call._meta.get_field("eligible_countries").help_text,
        error_messages={"invalid_choice": _("“%(value)s” is not a country in the list.")},
    )
    accepted_stages = choice_list_field(
        ProductionStage.choices,
        label=capfirst(_("accepted stages of production")),
        help_text=_("Films at these stages may apply."),
        required_message=_("Tick at least one stage of production."),
    )
    accepted_subtitles = forms.MultipleChoiceField(
        label=capfirst(_("accepted subtitles")),
        choices=[choice for choice in SubtitleLanguage.choices if choice[0] != "none"],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The current cut must carry one of these. Tick none to accept any."),
        error_messages={"invalid_choice": _("“%(value)s” is not one of the choices.")},
    )
    required_materials = choice_list_field(
        Material.choices,
        label=capfirst(_("required materials")),
        help_text=_("What every application must include."),
        required_message=_("Tick at least one material."),
    )

    class Meta:
        model = Call
        fields = [
            "title",
            "guidelines",
            "opens_at",
            "closes_at",
            "eligible_countries",
            "majority_from_eligible_countries",
            "max_share_outside",
            "min_eligible_countries",
            "minimum_runtime",
            "accepted_stages",
            "accepted_subtitles",
            "required_materials",
            "max_stills",
        ]
        widgets = {"guidelines": forms.Textarea(attrs={"rows": 8, "data-counter": ""})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["eligible_countries"].choices = country_groups()
        zone = self.instance.edition.time_zone if self.instance.edition_id else "UTC"
        self.fields["opens_at"].help_text = _(
            "Day and time in %(zone)s, the edition's time zone."
        ) % {"zone": zone}
        self.fields["closes_at"].help_text = _(
            "Day and time in %(zone)s, the edition's time zone. Applications are refused "
            "from this moment on."
        ) % {"zone": zone}
        if self.instance.pk:
            # CountryField gives Country objects; the checkboxes want codes.
            self.initial["eligible_countries"] = [
                country.code for country in self.instance.eligible_countries
            ]

    def _clean_choice_list(self, name, choices):
        """Keep each ticked choice once, in the choices' order."""
        ticked = set(self.cleaned_data.get(name) or [])
        return [code for code in choices.values if code in ticked]

    def clean_accepted_stages(self):
        return self._clean_choice_list("accepted_stages", ProductionStage)

    def clean_accepted_subtitles(self):
        return self._clean_choice_list("accepted_subtitles", SubtitleLanguage)

    def clean_required_materials(self):
        return self._clean_choice_list("required_materials", Material)

    def clean_eligible_countries(self):
        codes = self.cleaned_data.get("eligible_countries") or []
        return sorted(set(codes))

    def country_groups(self):
        """For the template: the country checkboxes by group, with how many are ticked."""
        field = self["eligible_countries"]
        widgets = {widget.data["value"]: widget for widget in field.subwidgets}
        groups = []
        for label, options in country_groups():
            boxes = [widgets[code] for code, _name in options if code in widgets]
            ticked = sum(1 for box in boxes if box.data["selected"])
            groups.append({"label": label, "boxes": boxes, "ticked": ticked})
        return groups


# --- The outbox ----------------------------------------------------------------------------

NO_PROGRAMME = "none"


class OutboxFilterForm(forms.Form):
    """The filters of the staff outbox, read from the query string. A bad value is refused
    at its field and the list is shown without that filter."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    kind = forms.ChoiceField(label=_("Kind of mail"), required=False)
    programme = forms.ChoiceField(label=_("Programme"), required=False)
    search = forms.CharField(
        label=_("Recipient or subject"),
        required=False,
        max_length=100,
        strip=True,
        help_text=_("Part of the address, the recipient's name or the subject."),
    )
    since = FilterDateField(label=_("Queued from"), required=False)
    until = FilterDateField(label=_("Queued until"), required=False)

    def __init__(self, *args, kinds, programmes, include_unscoped, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any status")), *MailStatus.choices]
        self.fields["kind"].choices = [
            ("", _("Any kind")),
            *sorted(((kind, kind_label(kind)) for kind in kinds), key=lambda choice: choice[1]),
        ]
        programme_choices = [("", _("Any programme"))]
        programme_choices += [(str(programme.pk), programme.name) for programme in programmes]
        if include_unscoped:
            programme_choices.append((NO_PROGRAMME, _("None (mails about an account)")))
        self.fields["programme"].choices = programme_choices

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", _("This day comes before the first one."))
        return cleaned

    def filters(self) -> dict:
        """The valid filters, as keyword arguments of selectors.outbox_mails."""
        self.is_valid()  # a field with a bad value is left out of cleaned_data
        data = getattr(self, "cleaned_data", {})
        programme = data.get("programme") or ""
        return {
            "status": data.get("status") or "",
            "kind": data.get("kind") or "",
            "search": data.get("search") or "",
            "programme_id": int(programme) if programme.isdigit() else None,
            "unscoped": programme == NO_PROGRAMME,
            "since": data.get("since"),
            "until": data.get("until"),
        }


# --- Mail templates ---------------------------------------------------------------------


class MailTemplateForm(forms.Form):
    """Staff's wording of a mail. The placeholders are checked by the service when it is
    saved, and by the form for a preview, with the same messages."""

    subject = forms.CharField(label=_("Subject"), max_length=255)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 18, "class": "font-monospace"}),
        max_length=20000,
    )
    preview_with = forms.ChoiceField(label=_("Preview with"), required=False)

    def __init__(self, *args, kind, preview_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        field = self.fields["preview_with"]
        field.choices = [("", _("Example values"))] + [
            (str(key), label) for key, label in preview_choices
        ]
        if kind.preview_label:
            field.label = kind.preview_label
        self.fields["body"].help_text = _(
            "Plain text. Write placeholders as {{ name }}; an empty line starts a paragraph."
        )

    def _check(self, name):
        value = self.cleaned_data[name].strip()
        problems = check_text(self.kind, value)
        if problems:
            raise ValidationError(problems)
        return value

    def clean_subject(self):
        return self._check("subject")

    def clean_body(self):
        return self._check("body")


# --- The activity log ---------------------------------------------------------------------


class ActivityFilterForm(forms.Form):
    """The filters of an edition's activity, read from the query string. A bad value is
    refused at its field and the list is shown without that filter."""

    action = forms.ChoiceField(label=_("What"), required=False)
    actor = forms.ChoiceField(label=_("Who"), required=False)
    since = FilterDateField(label=_("From"), required=False)
    until = FilterDateField(label=_("Until"), required=False)
    project = forms.IntegerField(
        required=False, min_value=1, max_value=ID_MAX, widget=forms.HiddenInput
    )

    def __init__(self, *args, actors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [
            ("", _("Anything")),
            *((code, label) for code, label in activity.FILTERS.items()),
        ]
        self.fields["actor"].choices = [
            ("", _("Anyone")),
            (selectors.PORTAL, _("The portal")),
            *((str(user.pk), str(user)) for user in actors),
        ]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", _("This day comes before the first one."))
        return cleaned

    def filters(self) -> dict:
        """The valid filters, as keyword arguments of selectors.edition_activity."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "action": data.get("action") or "",
            "actor": data.get("actor") or "",
            "since": data.get("since"),
            "until": data.get("until"),
            "project_id": data.get("project"),
        }
