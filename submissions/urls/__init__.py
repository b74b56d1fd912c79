"""The submissions app's addresses, one module per audience: producers, their materials and
files, and festival staff."""

from django.urls import include, path

from . import materials, producer, staff

app_name = "submissions"

urlpatterns = [
    path("", include(producer.urlpatterns)),
    path("", include(materials.urlpatterns)),
    path("staff/", include(staff.urlpatterns)),
]
