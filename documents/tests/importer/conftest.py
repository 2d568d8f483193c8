"""Lets the parser's tests run without Django (``pytest -p no:django``).

The repository's root conftest has an autouse fixture that asks for pytest-django's
``settings``; when pytest-django is not loaded, a stand-in keeps that fixture working. The
parser needs no settings and no database.
"""

import sys
import types

import pytest

if "pytest_django.plugin" not in sys.modules:

    @pytest.fixture
    def settings() -> types.SimpleNamespace:
        return types.SimpleNamespace()
