"""The portal's bounds, each stated once: the years a document may carry, the size of uploads.

A pure module (no Django), so that the document-number parser can use it as well as the models,
forms and commands."""

# No document of the People's Republic's governments is older; none is dated this far ahead.
FIRST_YEAR = 1949
LAST_YEAR = 2100

MEGABYTE = 1024 * 1024
# An issue's typeset PDF (the official edition), uploaded in the admin.
MAX_PDF_BYTES = 50 * MEGABYTE
# An issue's text, uploaded in the admin or given to `manage.py import_gazette`.
MAX_IMPORT_BYTES = 20 * MEGABYTE
