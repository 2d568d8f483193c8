"""The benchmark's switch between its databases (bench/search.py, ``using_database``)."""

from django.db import connections

from bench.search import using_database


def test_the_search_connection_follows_the_default_one_to_another_database(settings, monkeypatch):
    """The judged queries are evaluated in a database of their own: their searches must run
    there too, not on the timed corpus the search connection was pointed at (MRR 0.10 instead
    of 0.906 when they did)."""
    settings.SEARCH_DATABASE = "search"
    search, default = connections["search"], connections["default"]
    # Outside tests the search connection has settings of its own (in tests, the default's).
    monkeypatch.setattr(search, "settings_dict", dict(search.settings_dict))
    before = default.settings_dict["NAME"]
    with using_database("gazette_bench_elsewhere"):
        assert default.settings_dict["NAME"] == "gazette_bench_elsewhere"
        assert search.settings_dict["NAME"] == "gazette_bench_elsewhere"
    assert default.settings_dict["NAME"] == search.settings_dict["NAME"] == before
