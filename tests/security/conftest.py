"""Fixtures of the security probes: users with and without the right to start collections."""

import pytest
from django.contrib.auth.models import Permission


@pytest.fixture
def bare_staff(django_user_model):
    """A staff user with no permission at all: the admin lets them log in and do nothing."""
    return django_user_model.objects.create_user(username="bare-staff", password="b4re-staff!", is_staff=True)


@pytest.fixture
def runner(django_user_model):
    """A staff user holding exactly collection.add_collectionrun and collection.view_collectionrun."""
    user = django_user_model.objects.create_user(username="runner", password="runn3r-pass!", is_staff=True)
    codenames = ("add_collectionrun", "view_collectionrun")
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="collection", codename__in=codenames))
    return user
