"""The sample issue (2022年第5号, 总第70号) as `make demo` loads it: imported and published."""

import importlib
from pathlib import Path

from django.apps import apps

from documents.models import Issue
from documents.services import issue_import

SAMPLE = Path(__file__).resolve().parents[1] / "demo" / "xianning-2022-05.txt"

# Figures printed in the sample issue, which the pages must reproduce.
PROJECT_COUNT = 36
PROJECT_TOTAL = "619.53"
PLAN_NUMBER = "咸政办发〔2022〕29号"  # 十大行动方案: projects, tasks, a headquarters with subgroups
MEASURES_NUMBER = "咸政办发〔2022〕31号"  # 实施办法: chapters and articles
HOUSING_NUMBER = "咸政办函〔2022〕25号"  # 保障性租赁住房: a group, tables, attachments 3.1 and 3.2


def load_sample_issue() -> Issue:
    """Import and publish the sample issue. The seeded units are put back first: transactional
    (browser) tests flush the database afterwards, data migrations included, and without them
    the importer would create every unit anew under the name it is printed as."""
    importlib.import_module("documents.migrations.0003_seed_units").seed(apps, None)
    return issue_import(data=SAMPLE.read_bytes(), publish=True).issue
