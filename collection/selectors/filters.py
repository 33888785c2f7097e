"""The optional equality filters that every selector takes: a value left out (None or "") does not narrow."""

from django.db.models import QuerySet


def narrowed(qs: QuerySet, **equals) -> QuerySet:
    """`qs` filtered on each field of `equals` whose value was given."""
    return qs.filter(**{field: value for field, value in equals.items() if value})
