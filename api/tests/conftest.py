import pytest

from api.throttling import ClientAddressThrottle


@pytest.fixture(autouse=True)
def generous_limit(monkeypatch):
    """The suite's requests come from one address in several processes at once: the limit is
    tested with its own address and rate (test_over_the_limit_…), not met by accident."""
    original = ClientAddressThrottle.get_rate

    def rate(self):
        value = original(self)
        return "100000/min" if value == ClientAddressThrottle.THROTTLE_RATES["anon"] else value

    monkeypatch.setattr(ClientAddressThrottle, "get_rate", rate)
