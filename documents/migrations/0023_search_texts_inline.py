"""The index rows' values kept in the row up to 8,160 bytes (toast_tuple_target), where
PostgreSQL's default moves the largest values out of line (into the TOAST table: a B-tree
lookup and chunks to read back), one at a time, until the row is under 2 KB. The tsvector,
the largest value of nearly every row, still goes out first; the texts a search verifies
and scores its candidates on then mostly stay. At 10,000 generated
notices (texts of 3.4 KB at the median): search_text out of line in 1,114 rows instead of
8,350; strpos() over every row's search_text 143 → 76 ms; 一长数's counting statement 10.8 →
7.9 ms and its search 41.5 → 33.6 ms (medians of twelve). The table's own part 4.7 → 70 MB,
its TOAST part 217 → 171 MB. Rows written from now on are stored so; ``rebuild_index`` gives
its new table the live one's storage parameters and rewrites every row (``manage.py
rebuild_search_index`` after upgrading: until then the rows are read as before)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0022_search_texts_uncompressed"),
    ]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE documents_searchentry SET (toast_tuple_target = 8160)",
            "ALTER TABLE documents_searchentry RESET (toast_tuple_target)",
        )
    ]
