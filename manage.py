#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gazette_site.settings")
    from django.core.management import execute_from_command_line

    from gazette_site.embedded_db import start_unless_configured

    start_unless_configured()  # the private PostgreSQL, when DATABASE_URL is unset

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
