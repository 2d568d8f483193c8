"""The audit history's one untyped corner."""

from django.db import models


def set_change_reason(obj: models.Model, reason: str) -> None:
    """The reason django-simple-history records with the next save or delete of `obj`."""
    # simple-history reads this attribute and offers no typed way to set it.
    obj._change_reason = reason  # type: ignore[attr-defined]


# The change reasons recorded with each history row: what tells an import from a hand edit
# (a revision keeps what staff changed by hand since a row's last import).
IMPORT_CREATED = "导入"
IMPORT_UPDATED = "导入更新"
IMPORT_DELETED = "导入时删除"
HAND_EDIT = "人工修改"
