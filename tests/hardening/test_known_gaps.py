"""What the corpus found wrong outside the forms, validators and upload checks, now fixed:
a refused action keeps what was typed in its form (editions/typed.py), and an invitation
posted with an action it has no button for says so. The bodies Django refuses before any
view are in test_limits."""

from django.contrib import messages

from . import posting


def _spec(portal, endpoint, role, field=None):
    return next(
        spec
        for spec in portal.forms[endpoint]
        if spec.role == role and (field is None or field in spec.form.fields)
    )


def refused_and_followed(portal, spec, payload) -> str:
    """The page a refused action sends back to, as its person sees it next."""
    client = posting.client_for(portal, spec.role)
    response = client.post(spec.form.action, payload, follow=True)
    assert response.redirect_chain, "the refused action did not send back to its page"
    return response.content.decode()


def test_refused_lock_keeps_the_reason_typed(portal):
    spec = _spec(portal, "juries:staff_lock", "staff")
    payload = spec.form.initial()
    payload.update({"version": ["999"], "reason": ["The jury met on Friday."]})
    outcome = posting.submit(portal, spec, payload)
    assert outcome.kind == "refused"
    assert "The jury met on Friday." in refused_and_followed(portal, spec, payload)


def test_refused_answer_keeps_the_note_typed(portal):
    spec = _spec(portal, "participation:answer", "producer", field="note")
    payload = spec.form.initial()
    payload.update({"answer": ["maybe"], "note": ["We arrive on the 20th."]})
    outcome = posting.submit(portal, spec, payload)
    assert outcome.kind == "refused"
    assert "We arrive on the 20th." in refused_and_followed(portal, spec, payload)


def test_invitation_post_without_a_known_action_says_so(portal):
    spec = _spec(portal, "juries:invitation", "anonymous")
    outcome = posting.submit(portal, spec, {"action": ["join"]})
    assert outcome.kind == "refused"
    assert {m.level for m in outcome.messages} & {messages.ERROR, messages.WARNING}
