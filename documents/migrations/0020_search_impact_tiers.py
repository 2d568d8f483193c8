"""Impact tiers in the search index (documents.search.ranking): each lexeme a notice holds
often, or in its title or headings, is stored a second time with the tier of its weighted
count (+<tier><lexeme>), and the title and heading marks (^lexeme, ~lexeme) go.

Unlike 0007 and 0009, this cannot be done in SQL: a tier counts each lexeme's occurrences in
the text, which the stored vector does not hold and SQL could only redo with one ``replace``
over the text per lexeme (thousands a row). So the index rows are dropped, in both
directions: the notices are then reported by the check ``documents.W001`` and indexed by
``rebuild_search_index --missing`` (which ``make migrate`` runs after every migrate) with the
code of the version migrated to. Until then a search does not find them."""

from django.db import migrations

DROP_ROWS = "DELETE FROM documents_searchentry"


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0019_unit_sort_key"),
    ]

    operations = [migrations.RunSQL(DROP_ROWS, DROP_ROWS)]
