"""Chinese names in pinyin order: the sort key, its column kept in step with the name on every
write (the importer's bulk inserts and update_fields included), and the units directory."""

import re
from pathlib import Path

import pytest

from documents.models import Unit, UnitKind
from documents.pinyin import fill_pinyin_keys, name_without_city, sort_key
from documents.services import issue_import
from documents.tests.factories import (
    make_issue,
    make_notice,
    make_project,
    make_responsibility,
    make_unit,
)
from projects.models import Project

MINIMAL = Path(__file__).resolve().parent / "importer/fixtures/minimal-issue.txt"


def by_key(names: list[str]) -> list[str]:
    return sorted(names, key=sort_key)


def test_names_sort_by_their_pinyin_not_their_character_codes():
    # By character code: 住 (U+4F4F) < 医 (U+533B) < 统 < 财 (U+8D22).
    assert by_key(["市住建局", "市医保局", "市统计局", "市财政局"]) == [
        "市财政局",  # cai
        "市统计局",  # tong
        "市医保局",  # yi
        "市住建局",  # zhu
    ]


def test_a_polyphone_is_read_as_the_word_it_is_in():
    # 银行 is yin hang (not xing), 重庆 chong qing (not zhong), 长江 chang jiang (not zhang).
    assert by_key(["重点项目", "重庆路改造", "长江大桥", "市长热线"]) == [
        "长江大桥",  # chang jiang
        "重庆路改造",  # chong qing
        "市长热线",  # shi zhang
        "重点项目",  # zhong dian
    ]
    assert by_key(["农业银行", "农发行", "农行"]) == ["农发行", "农行", "农业银行"]
    assert sort_key("人行咸宁市中心支行").startswith("ren hang xian ning shi zhong xin zhi hang\t")


def test_syllable_by_syllable_then_by_tone_then_shorter_first():
    assert by_key(["先锋", "西安"]) == ["西安", "先锋"]  # xi an before xian feng
    assert by_key(["试验区", "实验区"]) == ["实验区", "试验区"]  # shi2 before shi4
    assert by_key(["市财政局驻点", "市财政局"]) == ["市财政局", "市财政局驻点"]
    # Latin letters and digits as they are (full width too), punctuation ignored.
    assert sort_key("５Ｇ基站（一期）") == sort_key("5G基站一期")
    assert sort_key("") == "" and sort_key("（）") == ""


def test_a_units_key_leaves_out_the_citys_own_name():
    assert name_without_city("咸宁市医疗保障局") == "医疗保障局"
    assert name_without_city("市医保局") == "医保局"
    assert name_without_city("咸宁高新区管委会") == "高新区管委会"
    assert name_without_city("咸宁市市场监督管理局") == "市场监督管理局"
    assert name_without_city("市场监管局") == "市场监管局"  # 市场 is a word, not the city
    assert name_without_city("咸安区人民政府") == "咸安区人民政府"
    assert name_without_city("市") == "市"


@pytest.mark.django_db
def test_the_key_is_written_with_the_name_by_save_and_by_update_fields():
    unit = make_unit(full_name="咸宁市医疗保障测试局", short_name="市医保测试局")
    assert unit.sort_key.startswith("yi liao bao zhang ce shi ju\t")
    unit.full_name = "咸宁市财政测试局"
    unit.save(update_fields=["full_name"])
    assert Unit.objects.get(pk=unit.pk).sort_key.startswith("cai zheng ce shi ju\t")
    project = make_project(name="重庆路改造")
    project.name = "长江大桥"
    project.save(update_fields=["name"])
    assert Project.objects.get(pk=project.pk).name_sort_key.startswith("chang jiang da qiao\t")


@pytest.mark.django_db
def test_units_and_projects_an_import_creates_have_their_keys():
    # 市停车管理中心 is no seeded unit: the import creates it.
    text = MINIMAL.read_text(encoding="utf-8").replace("市城管执法委", "市停车管理中心")
    issue_import(data=text.encode())  # a new issue: its rows are bulk inserted
    created = Unit.objects.get(full_name="市停车管理中心")
    assert created.needs_review and created.sort_key.startswith("ting che guan li zhong xin\t")
    keys = dict(Project.objects.values_list("name", "name_sort_key"))
    assert keys["嘉鱼县环城公路工程"].startswith("jia yu xian huan cheng gong lu gong cheng\t")
    assert all(keys.values())
    # A corrected file renames a project: the importer saves it with update_fields=["name"].
    issue_import(data=text.replace("城区停车场建设项目", "中心城区停车场建设项目").encode())
    renamed = Project.objects.get(name="中心城区停车场建设项目")
    assert renamed.name_sort_key.startswith("zhong xin cheng qu ting che chang jian she xiang mu\t")


def directory_names(body: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/units/\d+/">([^<]+)</a>', body)


@pytest.mark.django_db
def test_the_units_directory_lists_each_kind_in_pinyin_order(client):
    notice = make_notice(issue=make_issue(published=True))
    names = [
        ("咸宁市住房和城乡建设局", "市住建局", UnitKind.CITY_DEPARTMENT),
        ("咸宁市医疗保障局", "市医保局", UnitKind.CITY_DEPARTMENT),
        ("咸宁市财政局", "市财政局", UnitKind.CITY_DEPARTMENT),
        ("市数据局", "市数据局", UnitKind.CITY_DEPARTMENT),  # as an import creates it
        ("咸宁市市场监督管理局", "市市场监管局", UnitKind.CITY_DEPARTMENT),
        ("咸安区人民政府", "咸安区政府", UnitKind.COUNTY_GOVERNMENT),
        ("赤壁市人民政府", "赤壁市政府", UnitKind.COUNTY_GOVERNMENT),
        ("崇阳县人民政府", "崇阳县政府", UnitKind.COUNTY_GOVERNMENT),
    ]
    for full_name, short_name, kind in names:
        # The seeded units among them are there already (documents/cities/xianning.toml).
        unit, _ = Unit.objects.update_or_create(
            full_name=full_name, defaults={"short_name": short_name, "kind": kind}
        )
        make_responsibility(project=make_project(notice=notice), unit=unit)
    body = client.get("/units/").content.decode()
    assert directory_names(body) == [
        "咸宁市财政局",  # cai
        "咸宁市市场监督管理局",  # shi chang
        "市数据局",  # shu
        "咸宁市医疗保障局",  # yi
        "咸宁市住房和城乡建设局",  # zhu
        "赤壁市人民政府",  # chi
        "崇阳县人民政府",  # chong
        "咸安区人民政府",  # xian an
    ]


@pytest.mark.django_db
def test_the_migrations_fill_the_keys_of_rows_written_before_them():
    # The seeded units were written by documents 0003, before the key existed (0019).
    assert Unit.objects.exists() and not Unit.objects.filter(sort_key="").exists()
    assert Unit.objects.get(full_name="咸宁市财政局").sort_key.startswith("cai zheng ju\t")
    project = make_project(name="通山县森林质量提升工程")
    Project.objects.filter(pk=project.pk).update(name_sort_key="")
    fill_pinyin_keys(Project)  # what projects 0002 runs
    filled = Project.objects.get(pk=project.pk).name_sort_key
    assert filled.startswith("tong shan xian sen lin zhi liang")
