"""The corpus covers every form of the portal: every URL pattern but the admin's is a page
of the world or known not to be one, every endpoint that takes a POST shows its form on
some page (or is listed with where to post), and the lists kept by hand match the pages."""

from . import posting, world


def test_every_page_with_forms_opens(portal):
    assert not portal.crawl_errors, "\n".join(portal.crawl_errors)


def test_every_url_pattern_is_opened_or_known_not_to_be_a_page(portal):
    patterns = posting.url_patterns()
    opened = set(world.pages(portal))
    post_only = {
        name
        for name, view in patterns.items()
        if getattr(view, "view_class", None) and "get" not in view.view_class.http_method_names
    }
    unknown = set(patterns) - opened - world.NOT_PAGES - post_only
    assert not unknown, f"URL patterns neither opened by the world nor listed: {sorted(unknown)}"
    assert not (opened | world.NOT_PAGES) - set(patterns), "the world names patterns that are gone"


def test_every_post_endpoint_shows_its_form_somewhere(portal):
    endpoints = posting.post_endpoints()
    assert len(endpoints) > 80
    missing = [endpoint for endpoint in endpoints if endpoint not in portal.forms]
    assert not missing, f"POST endpoints with no form on any page of the world: {missing}"
    assert set(portal.forms) <= set(endpoints), "forms post to addresses that take no POST"


def test_function_views_refuse_a_post_unless_listed(portal):
    """A function view may take a POST without anyone noticing: each one is asked."""
    admin = posting.client_for(portal, "admin")
    taking = []
    for name, view in posting.url_patterns().items():
        if posting.accepts_post(view) is not None:
            continue
        response = admin.post(posting.any_url(name), {"junk": "1"})
        if response.status_code != 405:
            taking.append(name)
    assert sorted(taking) == sorted(posting.FUNCTION_VIEWS_TAKING_POST)


def test_views_listed_as_not_taking_post_answer_405(portal):
    for endpoint in posting.NOT_TAKING_POST:
        [page, *_] = world.pages(portal)[endpoint]
        response = posting.client_for(portal, page.role).post(page.url, {"junk": "1"})
        assert response.status_code == 405, endpoint


def test_button_only_list_matches_the_forms_on_the_pages(portal):
    def fillable(spec):
        return [
            name
            for name, f in spec.form.fields.items()
            if f.kind != "hidden" and not f.disabled and name != "csrfmiddlewaretoken"
        ]

    wrong = {}
    for endpoint, specs in portal.forms.items():
        fields = sorted({name for spec in specs for name in fillable(spec)})
        if (endpoint in posting.BUTTON_ONLY) == bool(fields):
            wrong[endpoint] = fields
    assert not wrong, f"BUTTON_ONLY disagrees with the pages (endpoint: fields): {wrong}"
