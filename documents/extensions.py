"""What apps built on notices add to documents' pages, queries and importer.

Imports between the apps run one way: ``projects`` imports ``documents``, never the reverse.
A notice's project and task lists are part of what it prints, though: the home page counts
them, the notice and unit pages show them, a unit's notices include those that give it a role
in a project, the importer writes them. For those, documents asks the extensions that
``settings.GAZETTE_NOTICE_EXTENSIONS`` names (dotted paths of `NoticeExtension` subclasses,
``projects.extension.ProjectLists`` today), in that order. Nothing is registered by importing
a module: the setting is the whole list.

(The search index reads the lists through the reverse relations Django puts on ``Notice``,
``notice.projects`` and ``notice.tasks``, because it must also work on the historical models
a migration hands it.)
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from django.db.models import Exists, Model, QuerySet

    from documents.importer.loader import LoadResult, UnitResolver
    from documents.importer.records import ParsedNotice
    from documents.models import Attachment, Issue, Notice, Unit


class NoticeExtension:
    """One app's additions; every part adds nothing unless the subclass overrides it."""

    # The models the importer writes for this extension, each after those it links to (and
    # after documents' own), the natural keys their rows are found by and the rows that own
    # them: as documents.importer.loader's NATURAL_KEYS and OWNERS.
    models: tuple[type[Model], ...] = ()
    natural_keys: dict[type[Model], tuple[tuple[str, ...], ...]] = {}
    owners: dict[type[Model], tuple[tuple[str, type[Model]], ...]] = {}

    def home_figures(self) -> dict[str, Any]:
        """Figures for the home page's "公报一览", published content only."""
        return {}

    def notice_context(self, notice: Notice) -> dict[str, Any]:
        """Context for the notice page (also its draft preview: do not filter by publication).
        Two keys are read by the page's layout rather than its template: ``table_rows``, the
        rows of the notice's tables that stand for the extension's items ({(table pk, row
        index): documents.layout.RowLinks}), and ``table_links`` ({table pk: [Link]}), links
        shown beside a table's CSV."""
        return {}

    def rendered_rows(self, notice: Notice) -> list[QuerySet]:
        """The rows, beyond documents' own, that what `notice_context` adds to the notice's text
        is drawn from: any change among them renders the text again (documents.rendering).
        Lazy querysets that use ``notice.pk`` only, without branching on the notice: they are
        compiled once, for a stand-in notice whose id each run replaces."""
        return []

    def unit_context(self, unit: Unit) -> dict[str, Any]:
        """Context for the unit page, published content only."""
        return {}

    def unit_roles(self, unit: Unit) -> list[Exists]:
        """Conditions on a Notice queryset (``OuterRef("pk")`` is the notice) that hold when
        the notice gives `unit` a role in what this extension adds."""
        return []

    def publication_problems(self, issue: Issue) -> list[str]:
        """Why `issue` may not be published as it stands, as far as this extension's rows go."""
        return []

    def preload(self, notice_ids: list[int]) -> dict[type[Model], QuerySet]:
        """The rows of `models` that belong to the given notices (a re-import reads them up
        front, a statement a model)."""
        return {}

    def load_notice(
        self,
        result: LoadResult,
        notice: Notice,
        parsed: ParsedNotice,
        attachments: dict[str, Attachment],
        units: UnitResolver,
    ) -> None:
        """Write what `parsed` holds for this extension, with the loader's ``sync``."""


@functools.cache
def _load(paths: tuple[str, ...]) -> tuple[NoticeExtension, ...]:
    return tuple(import_string(path)() for path in paths)


def notice_extensions() -> tuple[NoticeExtension, ...]:
    """The extensions the settings name, in their order."""
    return _load(tuple(settings.GAZETTE_NOTICE_EXTENSIONS))


def extension_context(hook: str, *args: Any) -> dict[str, Any]:
    """What every extension's `hook` (home_figures, notice_context, unit_context) returns for
    `args`, merged in the settings' order."""
    context: dict[str, Any] = {}
    for ext in notice_extensions():
        context.update(getattr(ext, hook)(*args))
    return context
