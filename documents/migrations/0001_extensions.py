from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# expires_on is a generated column; PostgreSQL accepts only IMMUTABLE functions there, and
# date + interval is not declared so, although with a date and whole years it cannot vary.
NOTICE_EXPIRY = """
CREATE OR REPLACE FUNCTION notice_expiry(start_on date, years integer) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURNS NULL ON NULL INPUT
AS $$ SELECT (start_on + make_interval(years => years) - interval '1 day')::date $$;
"""


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        TrigramExtension(),
        migrations.RunSQL(NOTICE_EXPIRY, "DROP FUNCTION IF EXISTS notice_expiry(date, integer);"),
    ]
