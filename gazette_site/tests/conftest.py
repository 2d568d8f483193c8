"""Fixtures of the site-wide tests (hostile input, security headers, recovery)."""

import pytest

from gazette_site.tests.hostile_data import make_hostile_site


@pytest.fixture
def published(db):
    """One published issue with markup in every text field; its ids by name."""
    return make_hostile_site()
