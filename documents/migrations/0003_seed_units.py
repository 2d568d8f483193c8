"""Seed the units named in the gazette: full name, short name, kind and the other names
(variants and known misprints) they are printed under. The importer matches names through these;
a name it cannot match creates a unit flagged for review."""

from django.db import migrations

CITY = "city_department"
COUNTY = "county_government"
ZONE = "development_zone"
FINANCIAL = "financial"
ENTERPRISE = "state_enterprise"
SCHOOL_HOSPITAL = "school_hospital"
COLLECTIVE = "collective"
OTHER = "other"

# (full name, short name, kind, aliases)
UNITS = [
    ("咸宁市人民政府", "市人民政府", OTHER, ["市政府"]),
    ("咸宁市人民政府办公室", "市政府办公室", OTHER, ["市人民政府办公室", "市政府办"]),
    ("咸宁市发展和改革委员会", "市发改委", CITY, ["市发改局", "市发展改革委"]),
    ("咸宁市财政局", "市财政局", CITY, []),
    ("咸宁市经济和信息化局", "市经信局", CITY, []),
    ("咸宁市科学技术局", "市科技局", CITY, []),
    ("咸宁市教育局", "市教育局", CITY, []),
    ("咸宁市公安局", "市公安局", CITY, []),
    ("咸宁市民政局", "市民政局", CITY, []),
    ("咸宁市司法局", "市司法局", CITY, []),
    ("咸宁市人力资源和社会保障局", "市人社局", CITY, []),
    ("咸宁市自然资源和规划局", "市自然资源和规划局", CITY, ["市自然资源规划局"]),
    ("咸宁市生态环境局", "市生态环境局", CITY, []),
    ("咸宁市住房和城乡建设局", "市住建局", CITY, []),
    ("咸宁市交通运输局", "市交通运输局", CITY, []),
    ("咸宁市水利和湖泊局", "市水利和湖泊局", CITY, ["市水利湖泊局"]),
    ("咸宁市农业农村局", "市农业农村局", CITY, []),
    ("咸宁市商务局", "市商务局", CITY, []),
    ("咸宁市文化和旅游局", "市文旅局", CITY, []),
    ("咸宁市卫生健康委员会", "市卫健委", CITY, []),
    ("咸宁市退役军人事务局", "市退役军人事务局", CITY, []),
    ("咸宁市应急管理局", "市应急管理局", CITY, []),
    ("咸宁市审计局", "市审计局", CITY, []),
    ("咸宁市人民政府国有资产监督管理委员会", "市国资委", CITY, []),
    ("咸宁市市场监督管理局", "市市场监管局", CITY, []),
    ("咸宁市统计局", "市统计局", CITY, []),
    ("咸宁市医疗保障局", "市医保局", CITY, []),
    ("咸宁市林业局", "市林业局", CITY, []),
    ("咸宁市乡村振兴局", "市乡村振兴局", CITY, []),
    ("咸宁市城市管理执法委员会", "市城管执法委", CITY, []),
    ("咸宁市招商和投资促进局", "市招商和投资促进局", CITY, ["市招商局"]),
    ("咸宁市政务服务和大数据管理局", "市政数局", CITY, []),
    ("咸宁市地方金融工作局", "市地方金融工作局", CITY, ["市金融局"]),
    ("咸宁市民族宗教事务委员会", "市民宗委", CITY, []),
    ("咸宁市机关事务服务中心", "市机关事务服务中心", CITY, []),
    ("咸宁市公共资源交易中心", "市公共资源交易中心", CITY, []),
    ("咸宁市住房公积金中心", "市住房公积金中心", CITY, []),
    ("咸宁市史志研究中心", "市史志研究中心", CITY, []),
    ("咸宁市体育事业发展中心", "市体育事业发展中心", CITY, []),
    ("咸宁市推动长江经济带发展领导小组办公室", "市长江办", CITY, []),
    ("咸宁市人民政府驻武汉办事处", "市驻汉办", CITY, []),
    ("中共咸宁市委宣传部", "市委宣传部", CITY, []),
    ("中共咸宁市委组织部", "市委组织部", CITY, []),
    ("中共咸宁市委政法委员会", "市委政法委", CITY, []),
    ("中共咸宁市委网络安全和信息化委员会办公室", "市委网信办", CITY, []),
    ("中共咸宁市委办公室", "市委办", CITY, []),
    ("中共咸宁市直属机关工作委员会", "市委直属机关工委", CITY, []),
    ("中共咸宁市纪律检查委员会 咸宁市监察委员会", "市纪委监委", CITY, []),
    ("咸宁市中级人民法院", "市法院", OTHER, []),
    ("咸宁市人民检察院", "市检察院", OTHER, []),
    ("国家税务总局咸宁市税务局", "市税务局", CITY, []),
    ("咸宁市气象局", "市气象局", CITY, []),
    ("湖北省咸宁市邮政管理局", "市邮政管理局", CITY, []),
    ("咸宁市烟草专卖局", "市烟草局", CITY, []),
    ("咸宁市残疾人联合会", "市残联", OTHER, []),
    ("咸宁市红十字会", "市红十字会", OTHER, []),
    ("咸宁市总工会", "市总工会", OTHER, ["工会"]),
    ("咸宁市文学艺术界联合会", "市文联", OTHER, []),
    ("咸宁市社会科学界联合会", "市社科联", OTHER, []),
    ("咸宁市疾病预防控制中心", "市疾控中心", SCHOOL_HOSPITAL, []),
    ("咸宁市教育科学研究院", "市教育科学研究院", SCHOOL_HOSPITAL, []),
    ("咸宁市林业科学院", "市林科院", SCHOOL_HOSPITAL, []),
    ("咸宁市结核病防治院", "市结核病防治院", SCHOOL_HOSPITAL, []),
    ("中国人民银行咸宁市中心支行", "市人行", FINANCIAL, ["人行咸宁市中心支行"]),
    ("中国银行保险监督管理委员会咸宁监管分局", "咸宁银保监分局", FINANCIAL, ["市银保监分局"]),
    ("中国邮政储蓄银行咸宁市分行", "市邮储银行", FINANCIAL, ["邮储银行"]),
    ("中国邮政集团有限公司咸宁市分公司", "市邮政分公司", ENTERPRISE, []),
    ("中国铁塔股份有限公司咸宁市分公司", "市铁塔公司", ENTERPRISE, []),
    ("咸宁市人民政府研究室", "市政府研究室", CITY, []),
    ("共青团咸宁市委员会", "团市委", OTHER, []),
    ("咸宁广播电视台", "咸宁广播电视台", OTHER, []),
    ("湖北科技学院", "湖北科技学院", SCHOOL_HOSPITAL, []),
    ("咸宁职业技术学院", "咸宁职业技术学院", SCHOOL_HOSPITAL, []),
    ("咸宁职业教育（集团）学校", "咸宁职教(集团)学校", SCHOOL_HOSPITAL, []),
    ("国网湖北省电力有限公司咸宁供电公司", "咸宁供电公司", ENTERPRISE, []),
    ("咸宁市城市发展（集团）有限责任公司", "市城发集团", ENTERPRISE, []),
    ("咸宁高新投资集团有限公司", "市高投集团", ENTERPRISE, []),
    ("咸安区人民政府", "咸安区", COUNTY, ["咸安区政府"]),
    ("嘉鱼县人民政府", "嘉鱼县", COUNTY, ["嘉鱼县政府"]),
    ("赤壁市人民政府", "赤壁市", COUNTY, ["赤壁市政府"]),
    ("通城县人民政府", "通城县", COUNTY, ["通城县政府"]),
    ("崇阳县人民政府", "崇阳县", COUNTY, ["崇阳县政府"]),
    ("通山县人民政府", "通山县", COUNTY, ["通山县政府"]),
    ("咸宁高新技术产业开发区管理委员会", "咸宁高新区管委会", ZONE, ["咸宁高新区", "高新区管委会"]),
    (
        "各县市区人民政府",
        "各县市区人民政府",
        COLLECTIVE,
        ["各县（市、区）人民政府", "各县、市、区人民政府", "各县市区政府", "各县（市、区）政府"],
    ),
    ("市直有关单位", "市直有关单位", COLLECTIVE, ["市直相关单位"]),
    ("市直有关部门", "市直有关部门", COLLECTIVE, ["市直相关部门", "市政府有关部门"]),
    ("市直各金融机构", "市直各金融机构", COLLECTIVE, []),
    ("市城市管理领导小组成员单位", "市城市管理领导小组成员单位", COLLECTIVE, []),
]


def seed(apps, schema_editor):
    Unit = apps.get_model("documents", "Unit")
    UnitAlias = apps.get_model("documents", "UnitAlias")
    for full_name, short_name, kind, aliases in UNITS:
        unit, _ = Unit.objects.update_or_create(
            full_name=full_name, defaults={"short_name": short_name, "kind": kind}
        )
        for alias in aliases:
            UnitAlias.objects.get_or_create(name=alias, defaults={"unit": unit})


def unseed(apps, schema_editor):
    Unit = apps.get_model("documents", "Unit")
    Unit.objects.filter(full_name__in=[row[0] for row in UNITS], needs_review=False).delete()


class Migration(migrations.Migration):
    dependencies = [("documents", "0002_initial")]
    operations = [migrations.RunPython(seed, unseed)]
