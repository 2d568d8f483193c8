"""The index rows' texts stored uncompressed (STORAGE EXTERNAL: out of line when long, never
compressed). A search reads them to verify and to score its candidates, and every read of a
compressed text decompressed it again: a replace() over the sample issue's notices (37 KB on
average) took 95 µs a row compressed, 37 µs not. The statements of the benchmark's queries at
10,000 notices, on the same rows stored both ways: all but one 3 to 29 % faster (phrases 23
to 29 %; one name 5 % slower), for a table of 275 MB instead of 240 (the tsvector stays
compressed). Rows written from now on (index_notices) are stored so, and ``rebuild_index``,
whose new table takes the live one's storage, rewrites every row; rows not yet rewritten
are read as before."""

from django.db import migrations

COLUMNS = ("title_text", "heading_text", "search_text", "text")


def storage(kind: str) -> str:
    columns = ", ".join(f"ALTER {column} SET STORAGE {kind}" for column in COLUMNS)
    return f"ALTER TABLE documents_searchentry {columns}"


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0021_search_length_lexemes"),
    ]

    operations = [migrations.RunSQL(storage("EXTERNAL"), storage("EXTENDED"))]
