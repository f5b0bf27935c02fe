"""Metadata detection on the seed documents, the small parsers, and the manifest."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.document import Metadata
from ingest.manifest import ALLOWED_KEYS, ManifestError, apply_manifest, load_manifest
from ingest.metadata import (
    city_info,
    detect_doc_type,
    detect_metadata,
    parse_date,
    parse_doc_number,
    parse_periods,
    period_years,
)

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def _text(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


# What each seed's text states about itself (no manifest involved).
SEEDS = [
    pytest.param(
        "000_ea48af81f9ea94bf.txt",
        dict(
            city="天津市",
            province="天津市",
            doc_type="annual_plan",
            period=None,
            year=2017,
            doc_number="津人社局发〔2017〕30号",
            issued_date="2017-03-21",
            issuer="天津市人力资源和社会保障局",
        ),
        ["2017年", "天津市", "事业发展计划"],
        id="tianjin-annual-plan-notice",
    ),
    pytest.param(
        "001_404ff1416955840c.txt",
        dict(
            city="天津市",
            province="天津市",
            doc_type="interpretation",
            period="十四五",
            year=None,
            doc_number=None,
            issued_date=None,
            issuer=None,
        ),
        ["天津市", "“十四五”规划", "解读"],
        id="tianjin-14th-plan-interpretation",
    ),
    pytest.param(
        "002_435ca729410f1e66.txt",
        dict(
            city="舟山市",
            province="浙江省",
            doc_type="five_year_plan",
            period="十三五",
            # the page's 发布日期 (2020) is a posting date, implausible for a 十三五 plan
            year=None,
            doc_number=None,
            issued_date=None,
        ),
        ["舟山市", "“十三五”", "规划纲要"],
        id="zhoushan-13th-plan-web-page",
    ),
    pytest.param(
        "003_46fcc39df94149c6.txt",
        dict(
            city="武汉市",
            province="湖北省",
            doc_type="five_year_plan",
            period="十三五",
            year=2016,
            doc_number="武政[2016]36号",
            issued_date=None,
            issuer="武汉市人民政府",
        ),
        ["武汉市", "“十三五”规划"],
        id="wuhan-13th-plan-notice",
    ),
    pytest.param(
        "004_3e7897c2aae47fa4.txt",
        dict(
            city="如皋市",
            province="江苏省",
            doc_type="assessment",
            period=None,
            year=2021,
            doc_number=None,
            issued_date="2021-04-19",
            issuer="如皋市人民政府办公室",
        ),
        ["2021年", "考核办法"],
        id="rugao-assessment-method",
    ),
]


@pytest.mark.parametrize("name, expected, title_words", SEEDS)
def test_metadata_detected_from_seed_text(name, expected, title_words):
    meta = detect_metadata(_text(name))
    for field, value in expected.items():
        assert getattr(meta, field) == value, field
    assert meta.title is not None
    for word in title_words:
        assert word in meta.title


@pytest.mark.parametrize("name, expected, title_words", SEEDS)
def test_metadata_agrees_with_manifest(name, expected, title_words):
    """Detection and the hand-written manifest agree wherever both say something."""
    manifest = load_manifest(CORPUS)[name]
    meta = detect_metadata(_text(name))
    for field in ("city", "province", "doc_type", "period", "doc_number", "issued_date", "title"):
        if field in manifest and getattr(meta, field) is not None:
            assert getattr(meta, field) == manifest[field], field


def test_metadata_city_is_issuer_not_city_mentioned():
    text = (
        "如皋市人民政府办公室文件\n如政办发〔2021〕15号\n"
        "关于印发2021年就业工作计划的通知\n各镇：\n到南通市、南京市、南京市学习。\n"
    )
    meta = detect_metadata(text)
    assert meta.city == "如皋市"
    assert meta.doc_number == "如政办发〔2021〕15号"


def test_metadata_joint_signature_and_chinese_date():
    text = (
        "杭州市就业促进“十四五”\n规划\n\n正文。\n"
        "杭州市人力资源和社会保障局\n杭州市发展和改革委员会\n二〇二一年六月三十日\n"
    )
    meta = detect_metadata(text)
    assert meta.title == "杭州市就业促进“十四五”规划"
    assert meta.issuer == "杭州市人力资源和社会保障局、杭州市发展和改革委员会"
    assert meta.issued_date == "2021-06-30"
    assert meta.year == 2021


def test_metadata_province_level_document_has_no_city():
    text = (
        "浙江省人力资源和社会保障厅文件\n浙人社发〔2018〕12号\n"
        "浙江省人力资源和社会保障厅关于印发2018年全省人力社保工作要点的通知\n"
        "各市人力社保局：\n全省……杭州市……宁波市……全省\n"
    )
    meta = detect_metadata(text)
    assert (meta.city, meta.province, meta.doc_type) == (None, "浙江省", "annual_plan")


def test_metadata_portal_fields():
    text = (
        "首页 > 政务公开 > 规划计划\n2019年南京市人力资源和社会保障工作计划\n"
        "成文日期：2019-02-12  发布日期：2019-03-01 来源：市人社局\n文号：宁人社〔2019〕5号\n"
    )
    meta = detect_metadata(text)
    assert meta.issued_date == "2019-02-12"
    assert meta.doc_number == "宁人社〔2019〕5号"
    assert meta.issuer == "南京市人社局"


def test_metadata_place_inside_another_word_is_not_a_mention():
    meta = detect_metadata("我市要建设沿海城市，繁荣东方市场，打造新兴城市。")
    assert meta.city is None


def test_metadata_empty_text():
    assert detect_metadata("") == Metadata(doc_type="other")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2017年3月21日", "2017-03-21"),
        ("2017 年 3 月 21 日", "2017-03-21"),
        ("天津市人力资源和社会保障局办公室        2017年3月27日印发", "2017-03-27"),
        ("二〇一七年三月二十一日", "2017-03-21"),
        ("二○二一年十二月十日", "2021-12-10"),
        ("二〇二〇年十月一日", "2020-10-01"),
        ("２０１６年５月３日", "2016-05-03"),
        ("发布日期:2020-07-15 来源:市人力资源与社会保障局", "2020-07-15"),
        ("2020/7/5", "2020-07-05"),
        ("2021年2月30日", None),
        ("2017年", None),
        ("到2020年底", None),
        ("", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("津人社局发〔2017〕30号", "津人社局发〔2017〕30号"),
        ("武政[2016]36号", "武政[2016]36号"),
        ("舟政发 〔2016〕 7 号", "舟政发〔2016〕7号"),
        ("如政办发〔2021〕15号", "如政办发〔2021〕15号"),
        ("国办发〔2016〕第5号", "国办发〔2016〕第5号"),
        ("京政发（2018）12号", "京政发（2018）12号"),
        ("签发人：张三  津人社局发〔2017〕30号", "津人社局发〔2017〕30号"),
        ("2017年3月21日", None),
        ("〔2017〕30号", None),
        ("第30号", None),
    ],
)
def test_parse_doc_number(text, expected):
    assert parse_doc_number(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("“十三五”规划", ["十三五"]),
        ("第十四个五年规划和二〇三五年远景目标纲要", ["十四五"]),
        ("规划（2021—2025年）", ["十四五"]),
        ("三年行动计划（2018-2020年）", []),
        ("十五个项目", []),
    ],
)
def test_parse_periods(text, expected):
    assert parse_periods(text) == expected


def test_period_years():
    assert period_years("十一五") == (2006, 2010)
    assert period_years("十四五") == (2021, 2025)
    assert period_years("十四") is None


@pytest.mark.parametrize(
    "title, expected",
    [
        ("《天津市人力资源和社会保障事业发展“十四五”规划》解读", "interpretation"),
        ("市人社局负责人就《2022年就业工作计划》答记者问", "interpretation"),
        ("2021年人力资源和社会保障工作考核办法", "assessment"),
        ("2017年度社会保险扩面工作考评办法", "assessment"),
        ("2017年天津市人力资源和社会保障事业发展计划", "annual_plan"),
        ("天津市人力资源和社会保障事业发展“十四五”规划2022年度实施计划", "annual_plan"),
        ("舟山市人力资源和社会保障事业“十三五”发展规划纲要", "five_year_plan"),
        ("大连市人力资源和社会保障事业发展规划（2016—2020年）", "five_year_plan"),
        ("关于做好春节期间工资支付工作的通知", "other"),
    ],
)
def test_doc_type_from_title(title, expected):
    assert detect_doc_type(title, "") == expected


def test_doc_type_from_text_when_no_title():
    assert detect_doc_type(None, "一、请介绍一下《规划》的背景\n……") == "interpretation"
    assert detect_doc_type(None, "一、考核对象\n各镇人民政府。") == "assessment"
    assert detect_doc_type(None, "结合我市实际，制定本规划。") == "five_year_plan"
    assert detect_doc_type(None, "") == "other"


def test_city_info():
    assert city_info("如皋市") == {
        "name_zh": "如皋市",
        "short_zh": "如皋",
        "name_en": "Rugao",
        "province_zh": "江苏省",
        "province_en": "Jiangsu",
        "level": "county_level_city",
        "parent_zh": "南通市",
    }
    assert city_info("天津市")["level"] == "municipality"
    assert city_info("武汉市")["level"] == "sub_provincial"
    assert city_info("舟山")["province_zh"] == "浙江省"
    assert city_info("Nowhere") is None


# --- manifest ---------------------------------------------------------------


def _corpus(tmp_path: Path, manifest: str, *files: str, name: str = "manifest.yml") -> Path:
    for f in files:
        (tmp_path / f).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / f).write_text("正文", encoding="utf-8")
    (tmp_path / name).write_text(manifest, encoding="utf-8")
    return tmp_path


def test_manifest_seed_corpus_loads():
    manifest = load_manifest(CORPUS)
    assert sorted(manifest) == sorted(p.name for p in CORPUS.glob("*.txt"))
    assert manifest["000_ea48af81f9ea94bf.txt"]["issued_date"] == "2017-03-21"
    assert manifest["003_46fcc39df94149c6.txt"]["year"] == 2016


def test_manifest_absent_is_empty(tmp_path):
    assert load_manifest(tmp_path) == {}


def test_manifest_yaml_suffix_and_normalised_values(tmp_path):
    corpus = _corpus(
        tmp_path,
        "- file: ./sub/a.txt\n  year: '2017'\n  issued_date: 2017-03-21\n  city: 天津市\n",
        "sub/a.txt",
        name="manifest.yaml",
    )
    assert load_manifest(corpus) == {
        "sub/a.txt": {"year": 2017, "issued_date": "2017-03-21", "city": "天津市"}
    }


@pytest.mark.parametrize(
    "manifest, message",
    [
        ("- file: a.txt\n  cty: 天津市\n", "unknown key 'cty'; allowed keys: " + ", ".join(ALLOWED_KEYS)),
        ("- file: a.txt\n  doc_type: plan\n", "doc_type must be one of five_year_plan"),
        ("- file: a.txt\n  year: 17\n", "year must be a four-digit year"),
        ("- file: a.txt\n  issued_date: 2017/3/21\n", "issued_date must be an ISO date"),
        ("- file: a.txt\n  period: 13th\n", "period must be a plan period label"),
        ("- file: b.txt\n", "file 'b.txt' is not in"),
        ("- file: a.txt\n- file: a.txt\n", "listed twice"),
        ("- city: 天津市\n", "missing `file`"),
        ("- file: ../a.txt\n", "must be relative to the corpus folder"),
        ("file: a.txt\n", "must be a list of entries"),
        ("- [a.txt]\n", "must be a mapping"),
        ("- file: a.txt\n  city: [天津\n", "not valid YAML"),
    ],
)
def test_manifest_errors_name_the_problem(tmp_path, manifest, message):
    corpus = _corpus(tmp_path, manifest, "a.txt")
    with pytest.raises(ManifestError) as e:
        load_manifest(corpus)
    assert message in str(e.value)
    assert "manifest.yml" in str(e.value)


def test_manifest_error_names_the_entry(tmp_path):
    corpus = _corpus(tmp_path, "- file: a.txt\n- file: b.txt\n  doc_type: x\n", "a.txt", "b.txt")
    with pytest.raises(ManifestError, match=r"manifest\.yml, entry 2: doc_type"):
        load_manifest(corpus)


def test_manifest_both_names_present_is_an_error(tmp_path):
    _corpus(tmp_path, "- file: a.txt\n", "a.txt")
    (tmp_path / "manifest.yaml").write_text("- file: a.txt\n", encoding="utf-8")
    with pytest.raises(ManifestError, match="keep one"):
        load_manifest(tmp_path)


def test_manifest_is_a_value_error():
    assert issubclass(ManifestError, ValueError)


def test_apply_manifest_overrides_only_listed_fields():
    detected = Metadata(title="T", city="天津市", doc_type="other", year=2017)
    merged = apply_manifest(detected, {"doc_type": "annual_plan", "city_en": "Tianjin"})
    assert merged == Metadata(title="T", city="天津市", doc_type="annual_plan", year=2017)
    assert detected.doc_type == "other"
