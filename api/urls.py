"""URL routes of the REST API and the health endpoint."""

urlpatterns: list = []
