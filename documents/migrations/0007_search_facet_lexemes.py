"""Add the filter lexemes (documents.search.FACET_MARKS: #y<year>, #a<agency code>,
#i<issuer>) to every search index row, as ``index_notices`` now writes them."""

from django.db import migrations

FORWARD = """
UPDATE documents_searchentry SET vector = coalesce(vector, ''::tsvector) || array_to_tsvector(
    array_remove(ARRAY[
        '#y' || year::text,
        CASE WHEN agency_code <> '' THEN '#a' || agency_code END,
        CASE WHEN issuer <> '' THEN '#i' || issuer END
    ], NULL)
)
"""

BACKWARD = """
UPDATE documents_searchentry SET vector = ts_delete(vector, ARRAY(
    SELECT lexeme FROM unnest(vector) WHERE lexeme ~ '^#[yai]'
))
"""


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0006_issue_pdf_checks"),
    ]

    # Every row is rewritten: longer than the site's statement timeout on a large index.
    operations = [
        migrations.RunSQL("SET LOCAL statement_timeout = 0", migrations.RunSQL.noop),
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.RunSQL(migrations.RunSQL.noop, "SET LOCAL statement_timeout = 0"),
    ]
