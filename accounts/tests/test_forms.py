import pytest
from django.utils import translation

from accounts.forms import (
    EmailAuthenticationForm,
    ProfileForm,
    SignUpForm,
    UserAdminChangeForm,
    UserAdminCreationForm,
)
from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def signup_data(**overrides):
    data = {
        "full_name": "Paula Productora",
        "email": "Paula@Example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "language": "pt",
        "accept_data_use": "on",
    }
    data.update(overrides)
    return data


def test_signup_form_language_defaults_to_active_language():
    with translation.override("pt"):
        form = SignUpForm()
    assert form["language"].value() == "pt"


def test_signup_form_fields_in_reading_order():
    assert list(SignUpForm().fields) == [
        "full_name",
        "email",
        "password1",
        "password2",
        "language",
        "accept_data_use",
    ]


def test_signup_form_lowercases_email():
    form = SignUpForm(data=signup_data())
    assert form.is_valid(), form.errors
    assert form.cleaned_data["email"] == "paula@example.org"


def test_signup_form_duplicate_email_other_case_refused(producer):
    form = SignUpForm(data=signup_data(email="Producer@EXAMPLE.org"))
    assert not form.is_valid()
    assert list(form.errors) == ["email"]
    assert form.errors.as_data()["email"][0].code == "duplicate_email"


def test_signup_form_password_like_email_refused():
    form = SignUpForm(
        data=signup_data(
            email="paulaproductora@example.org",
            password1="paulaproductora",
            password2="paulaproductora",
        )
    )
    assert not form.is_valid()
    assert "password2" in form.errors


def test_authentication_form_unconfirmed_refused_with_its_code(rf, unconfirmed):
    form = EmailAuthenticationForm(
        rf.post("/"), data={"username": unconfirmed.email, "password": PASSWORD}
    )
    assert not form.is_valid()
    assert [error.code for error in form.non_field_errors().as_data()] == ["email_unconfirmed"]
    assert form.unconfirmed_email == unconfirmed.email


def test_authentication_form_confirmed_accepted(rf, producer):
    form = EmailAuthenticationForm(
        rf.post("/"), data={"username": "PRODUCER@example.org", "password": PASSWORD}
    )
    assert form.is_valid(), form.errors
    assert form.get_user() == producer


def test_profile_form_ignores_posted_email(producer):
    form = ProfileForm(
        instance=producer,
        data={"full_name": "Paula", "language": "fr", "email": "thief@example.org"},
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["email"] == "producer@example.org"


def test_admin_creation_form_creates_user_without_username():
    form = UserAdminCreationForm(
        data={
            "email": "Nuevo@Example.org",
            "full_name": "Nuevo",
            "language": "es",
            "email_confirmed": "on",
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
        }
    )
    assert form.is_valid(), form.errors
    user = form.save()
    assert (user.email, user.language, user.email_confirmed) == ("nuevo@example.org", "es", True)
    assert user.check_password(PASSWORD)


def test_admin_change_form_duplicate_email_refused(producer, staff):
    form = UserAdminChangeForm(
        instance=staff,
        data={
            "email": "PRODUCER@example.org",
            "full_name": staff.full_name,
            "language": "en",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00",
            "is_active": "on",
        },
    )
    assert not form.is_valid()
    assert form.errors.as_data()["email"][0].code == "duplicate_email"
