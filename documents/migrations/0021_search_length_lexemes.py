"""Each index row's size as a lexeme (documents.search.tokens.length_lexeme: #l0 … #l63, in
quarter octaves from 64 bytes): the rows where every term of a query occurs once score by their
size alone, and the shortest of them are then found from these lexemes instead of by sorting
every candidate (sql._first). Written in SQL with the same bounds (``width_bucket`` counts the
bounds at or below the size, as ``bisect_right`` does); rows too large for a vector get none."""

from django.db import migrations

BOUNDS = ", ".join(str(int(64 * 2 ** (k / 4))) for k in range(1, 64))
FORWARD = f"""
UPDATE documents_searchentry SET vector = vector || array_to_tsvector(
    ARRAY['#l' || width_bucket(octet_length(search_text), ARRAY[{BOUNDS}])::text]
) WHERE NOT overflow
"""
BACKWARD = """
UPDATE documents_searchentry SET vector = ts_delete(
    vector, ARRAY(SELECT lexeme FROM unnest(vector) WHERE lexeme ~ '^#l[0-9]')
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0020_search_impact_tiers"),
    ]

    # Every row is rewritten: longer than the site's statement timeout on a large index.
    operations = [
        migrations.RunSQL("SET LOCAL statement_timeout = 0", migrations.RunSQL.noop),
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.RunSQL(migrations.RunSQL.noop, "SET LOCAL statement_timeout = 0"),
    ]
