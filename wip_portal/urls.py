from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from accounts.views import set_language

from . import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("", include("editions.urls")),
    path("submissions/", include("submissions.urls")),
    path("jury/", include("juries.urls")),
    path("selections/", include("juries.urls.public")),
    path("participation/", include("juries.urls.participation")),
    path("outbox/", include("outbox.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)

handler400 = "wip_portal.views.bad_request"
