"""The registry of kinds: every kind is declared once, completely, and everything reads it."""

import pytest
from django.utils.module_loading import import_string

from collection.kinds import KINDS, Dataset, Kind, kind_spec
from collection.models import CollectionRun


def test_every_kind_has_one_complete_declaration():
    assert list(KINDS) == list(Kind)
    for kind, spec in KINDS.items():
        assert spec.kind == kind
        for path in filter(None, (spec.collector, spec.estimate, spec.gauges)):
            assert callable(import_string(path)), path
        assert bool(spec.gauges) == bool(spec.gauge_families)
        for family in spec.gauge_families.values():
            assert family.help
            assert len(set(family.labels)) == len(family.labels)
        assert set(spec.datasets) <= set(Dataset)
        every, period = spec.every
        assert every > 0
        assert period in {"days", "hours", "minutes"}


def test_runs_choose_among_the_registered_kinds():
    assert CollectionRun._meta.get_field("kind").choices == Kind.choices


def test_an_unknown_kind_is_refused_with_the_kinds_there_are():
    with pytest.raises(ValueError, match="unknown collection kind 'bills'; choose one of accounts, costs"):
        kind_spec("bills")
