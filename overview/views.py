"""`/`: the cost overview, server-rendered for a logged-in user; a refused window is a message, never an error page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from api.scopes import user_scope

from .figures import overview_figures
from .query import QueryError, default_query, overview_query


@login_required(login_url="admin:login")
def overview(request):
    """The overview of the window in the URL (`start`, `end` inclusive, as /api/costs takes them).

    A window the API would refuse is refused with the API's own messages (status 400), and the page shows this
    month instead, saying so.
    """
    today, scope = timezone.now().date(), user_scope(user_id=request.user.pk)
    try:
        query, errors = overview_query(request, today=today, scope=scope), []
    except QueryError as exc:
        query, errors = default_query(today=today, scope=scope), exc.messages
    context = {"query": query, "errors": errors, **overview_figures(query=query)}
    context["chart_data"] = {
        "trend": [trend["chart"] for trend in context["trend"]],
        "month": [_month_chart(row) for row in context["month"]["rows"]],
    }
    return render(request, "overview/index.html", context, status=400 if errors else 200)


def _month_chart(row: dict) -> dict:
    """Month to date, the forecast and its interval, and the budget of one currency, for the script's bar chart."""
    forecast = row["forecast"]
    return {
        "currency": row["currency"],
        "to_date": row["to_date"],
        "forecast": forecast and forecast.mean,
        "interval": forecast and [forecast.lower_bound, forecast.upper_bound],
        "prediction_interval": forecast and forecast.prediction_interval,
        "budget": row["budget"],
    }
