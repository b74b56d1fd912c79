"""The filter forms (sent with GET) of the lists, given hostile values in the query
string: a bad value is dropped from the filters, never a 500, and nothing typed reaches
the page unescaped."""

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

from . import corpus, posting
from .test_forms import value_strategy

# The pages whose lists have a filter form (test_every_filter_form_is_here keeps it true).
FILTERED = [
    "editions:archive",
    "editions:staff_activity",
    "editions:staff_outbox",
    "juries:staff_assignments",
    "juries:staff_conflicts",
    "juries:staff_ranking",
    "juries:staff_results",
    "submissions:staff_list",
]


def test_every_filter_form_is_here(portal):
    assert sorted(portal.get_forms) == FILTERED


@pytest.mark.parametrize("endpoint", FILTERED)
def test_hostile_filters(endpoint, portal):
    specs = portal.get_forms[endpoint]
    posting.FIGURES["forms covered"] += 1

    @corpus.PROFILE
    @given(data=st.data())
    def filter_hostile(data):
        spec = specs[data.draw(st.integers(0, len(specs) - 1), label="form")]
        note(f"the filters of {spec.page_url} as {spec.role}")
        query = {}
        for name, f in spec.form.fields.items():
            values = data.draw(value_strategy(portal, f), label=name)
            query[name] = [value[:2000] for value in values]
        query["page"] = [data.draw(st.one_of(corpus.number(), corpus.text()), label="page")[:50]]
        client = posting.client_for(portal, spec.role)
        response = client.get(spec.form.action, query)
        posting.FIGURES["inputs tried"] += 1
        assert response.status_code < 500
        html = response.content.decode()
        assert not [marker for marker in corpus.UNESCAPED_MARKERS if marker in html]

    filter_hostile()
