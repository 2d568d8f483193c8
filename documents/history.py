"""The audit history's one untyped corner."""

from django.db import models


def set_change_reason(obj: models.Model, reason: str) -> None:
    """The reason django-simple-history records with the next save or delete of `obj`."""
    # simple-history reads this attribute and offers no typed way to set it.
    obj._change_reason = reason  # type: ignore[attr-defined]
