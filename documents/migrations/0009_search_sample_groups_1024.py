"""Sample groups of about 1 row in 1,024 instead of 1 in 64, with lexemes for the blocks of 16
and 256 groups too (documents.search.tokens.SAMPLE_LEVELS): a frequent term's size is then
estimated from a hundred rows instead of 1,500, and a sample of any size is a few lexemes.
Rewrites each index row's sample lexemes in SQL, with the arithmetic of ``sample_group``
(Fibonacci hashing of the notice id, the top 10 of 32 bits)."""

from django.db import migrations

SAMPLE_LEXEMES = r"""
UPDATE documents_searchentry SET vector = ts_delete(
    vector, ARRAY(SELECT lexeme FROM unnest(vector) WHERE lexeme ~ '^#[scq][0-9]')
) || array_to_tsvector(ARRAY[{lexemes}])
"""
GROUP = "(((notice_id::bigint * 2654435761) & 4294967295) >> {shift})"

FORWARD = SAMPLE_LEXEMES.format(
    lexemes=", ".join(
        f"'{mark}' || {GROUP.format(shift=22 + drop)}::text"
        for mark, drop in (("#s", 0), ("#c", 4), ("#q", 8))
    )
)
BACKWARD = SAMPLE_LEXEMES.format(lexemes=f"'#s' || {GROUP.format(shift=26)}::text")


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0008_issue_unpublished_ids"),
    ]

    # Every row is rewritten: longer than the site's statement timeout on a large index.
    operations = [
        migrations.RunSQL("SET LOCAL statement_timeout = 0", migrations.RunSQL.noop),
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.RunSQL(migrations.RunSQL.noop, "SET LOCAL statement_timeout = 0"),
    ]
