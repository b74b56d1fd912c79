"""Forms of the materials step: stills, director photos, documents and cuts.

File fields are plain form fields (never bound to a model's stored file): a stored file
has no public URL, and the widgets must not try to link to it."""

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..models import DOCUMENT_KINDS, Cut, Project
from ..uploads import (
    DIRECTOR_PHOTO_MIN_SIDE,
    DOCUMENT_MAX_BYTES,
    STILL_MAX_BYTES,
    STILL_MIN_SIDE,
    check_image,
    check_pdf,
)
from ..validators import validate_https_url

IMAGE_ACCEPT = "image/jpeg,image/png,image/webp,image/tiff,.jpg,.jpeg,.png,.webp,.tif,.tiff"
PDF_ACCEPT = "application/pdf,.pdf"


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One or several files from one <input type="file" multiple>."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            if not data and self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data or self.required else []


class StillUploadForm(forms.Form):
    images = MultipleFileField(
        label=_("Stills"),
        widget=MultipleFileInput(attrs={"accept": IMAGE_ACCEPT}),
    )
    caption = forms.CharField(
        label=_("Caption"),
        max_length=200,
        required=False,
        help_text=_("Optional: given to every still of this upload. Scene, characters…"),
    )

    def __init__(self, *args, project: Project, **kwargs):
        self.project = project
        super().__init__(*args, **kwargs)
        self.fields["images"].help_text = _(
            "JPEG, PNG, WebP or TIFF, at least %(minimum)s pixels on the long side and at "
            "most %(limit)s each. You can choose several files at once."
        ) % {"minimum": STILL_MIN_SIDE, "limit": filesizeformat(STILL_MAX_BYTES)}

    def clean_images(self):
        uploads = self.cleaned_data["images"]
        present = len(self.project.stills.all())
        maximum = self.project.call.max_stills
        if present + len(uploads) > maximum:
            raise ValidationError(
                _(
                    "The call accepts at most %(maximum)s stills; this project has "
                    "%(present)s, so you can add %(free)s more."
                ),
                code="too_many_stills",
                params={"maximum": maximum, "present": present, "free": maximum - present},
            )
        checked, errors = [], []
        for upload in uploads:
            try:
                checked.append((upload, check_image(upload)))
            except ValidationError as error:
                errors.append(error)
        if errors:
            raise ValidationError(errors)
        return checked


class DirectorPhotoForm(forms.Form):
    photo = forms.FileField(
        label=_("Photo"),
        widget=forms.FileInput(attrs={"accept": IMAGE_ACCEPT}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photo"].help_text = _(
            "JPEG, PNG, WebP or TIFF, at least %(minimum)s pixels on the long side, at most "
            "%(limit)s. Any location or camera data in the file is removed."
        ) % {"minimum": DIRECTOR_PHOTO_MIN_SIDE, "limit": filesizeformat(STILL_MAX_BYTES)}

    def clean_photo(self):
        upload = self.cleaned_data["photo"]
        check_image(upload, min_side=DIRECTOR_PHOTO_MIN_SIDE)
        return upload


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=DOCUMENT_KINDS)
    file = forms.FileField(
        label=_("PDF file"),
        widget=forms.FileInput(attrs={"accept": PDF_ACCEPT}),
    )

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "A PDF of at most %(limit)s. Uploading a document again replaces it."
        ) % {"limit": filesizeformat(DOCUMENT_MAX_BYTES)}
        required = set(project.call.required_materials)
        # The documents the call requires first, then the optional ones.
        self.fields["kind"].choices = sorted(
            DOCUMENT_KINDS, key=lambda choice: choice[0] not in required
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_pdf(upload)
        return upload


class CutForm(forms.ModelForm):
    screener_url = forms.URLField(
        label=capfirst(Cut._meta.get_field("screener_url").verbose_name),
        help_text=Cut._meta.get_field("screener_url").help_text,
        max_length=500,
        assume_scheme="https",
        validators=[validate_https_url],
        widget=forms.URLInput(attrs={"placeholder": "https://vimeo.com/…", "inputmode": "url"}),
    )

    class Meta:
        model = Cut
        fields = [
            "stage",
            "runtime",
            "cut_date",
            "subtitles",
            "screener_url",
            "screener_password",
            "changes",
        ]
        widgets = {
            "cut_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "screener_password": forms.TextInput(
                attrs={"autocomplete": "off", "spellcheck": "false"}
            ),
            "changes": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "cut_date": pgettext_lazy("version of a film", "When this cut was finished."),
            "screener_password": _("Jurors and staff see it; no one else."),
            "changes": _("For a new cut: what changed since the previous one."),
        }
