"""The overview's cost categories section: each category's uncategorized share as /api/cost-categories gives it,
its top values, and nothing of it for a scoped reader (a category spans accounts)."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone

from api.models import AccessScope
from overview.templatetags.overview import percent
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def categories():
    today = timezone.now().date()
    factories.CategoryCostFactory(date=today, value="Retail", amount=Decimal(3))
    factories.CategoryCostFactory(date=today, value="Wholesale", amount=Decimal(2))
    factories.CategoryCostFactory(date=today, value="", uncategorized=True, amount=Decimal(5))


def test_each_category_shows_the_apis_uncategorized_share_and_its_top_values(staff_client, api_client, categories):
    page = staff_client.get("/").content.decode()
    share = api_client.get("/api/cost-categories").json()["data"]["uncategorized"][0]

    shown = re.search(r'data-category="Business Unit">([^<]*)<', page).group(1)
    assert shown == percent(Decimal(share["uncategorized_share"])) == "50.0 %"
    section = page[page.index('<section id="cost-categories">') :]
    assert re.findall(r"<tr><td>([^<]*)</td>", section)[:2] == ["Retail", "Wholesale"]


def test_without_categories_the_page_says_so(staff_client):
    assert b"No cost by cost category in this window" in staff_client.get("/").content


def test_a_scoped_reader_sees_no_categories(client, django_user_model, categories):
    reader = django_user_model.objects.create_user(username="web", password="w3b-reader!")
    AccessScope.objects.create(name="web").users.add(reader)
    client.force_login(reader)
    assert b'id="cost-categories"' not in client.get("/").content
