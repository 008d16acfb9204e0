"""What an office types reaches the report unchanged: specials, emoji, very long cells; the generated lead."""

from __future__ import annotations

from docx import Document

from conftest import example_data, fill_workbook, run_cli, write_json


def _compile(tmp_path, capsys, data, *extra):
    workbook = fill_workbook(tmp_path / "填报.xlsx", data)
    code, out, err = run_cli(capsys, "compile", workbook, "-o", tmp_path / "out", *extra)
    return code, out, err


def test_xml_specials_emoji_and_a_full_cell_survive(tmp_path, capsys):
    data = example_data()
    special = "A&B <公开> \"引号\" '单引号' 😀 𠀀 {% raw %} ]]> <w:t>"
    long_text = ("长" * 32_000) + "结束"  # one paragraph filling a cell (Excel's limit is 32,767 characters)
    data["text"]["other"] = [special, long_text]
    data["office"]["report_name"] = "某某局<测试>&"
    code, out, err = _compile(tmp_path, capsys, data)
    assert code == 0, err
    doc = Document(out.strip())
    texts = [p.text for p in doc.paragraphs]
    assert special in texts
    assert long_text in texts
    assert texts[0] == "某某局<测试>&\n2021年政府信息公开工作年度报告"


def test_template_tags_in_text_are_printed_not_run(tmp_path, capsys):
    data = example_data()
    data["text"]["other"] = ["{{ title }} {%p if 1 %}"]
    code, out, err = _compile(tmp_path, capsys, data, "--force")
    assert "TXT-LEFTOVER" in err  # reported as leftover template text …
    assert "{{ title }} {%p if 1 %}" in [p.text for p in Document(out.strip()).paragraphs]  # … and printed as typed


def test_file_name_without_characters_windows_forbids(tmp_path, capsys):
    data = example_data()
    data["office"]["report_name"] = "某某县/某某局:办公室"
    code, out, err = _compile(tmp_path, capsys, data)
    assert code == 0, err
    assert out.strip().endswith("某某县_某某局_办公室2021年政府信息公开工作年度报告.docx")


def test_lead_written_from_basic_information_when_empty(tmp_path, capsys):
    data = example_data()
    data["text"]["lead"] = []
    code, out, err = _compile(tmp_path, capsys, data)
    assert code == 0, err
    lead = Document(out.strip()).paragraphs[1].text
    for part in ("《中华人民共和国政府信息公开条例》", "（国办公开办函〔2021〕30号）",
                 "《沙坡头区永康镇人民政府2021年政府信息公开工作年度报告》", "2021年1月1日至12月31日",
                 "中卫市沙坡头区人民政府网站（网址：http://www.spt.gov.cn）", "中卫市沙坡头区永康镇人民政府联系",
                 "中卫市沙坡头区永康镇商业街84号", "755000", "0955—7639207", "ykzzfbgs@163.com"):
        assert part in lead, part


def test_lead_without_contact_fields_warns_and_stays_grammatical(tmp_path, capsys):
    data = example_data()
    data["text"]["lead"] = []
    for key in ("website_name", "website_url", "address", "postcode", "phone", "fax", "email"):
        data["office"][key] = ""
    code, out, err = _compile(tmp_path, capsys, data)
    assert code == 0, err  # a warning, not an error
    assert "INFO-CONTACT" in err and "基本信息!B8" in err  # the first empty field the lead needs
    lead = Document(out.strip()).paragraphs[1].text
    assert lead.endswith("本报告统计数据从2021年1月1日至12月31日。")
    assert "（网址：）" not in lead and "联系（" not in lead


def test_paragraphs_from_one_cell_become_separate_paragraphs(tmp_path, capsys):
    data = example_data()
    src = write_json(tmp_path / "d.json", data)
    code, out, err = run_cli(capsys, "fill", src, "-o", tmp_path / "w.xlsx")
    assert code == 0, err
    from conftest import edit_workbook
    edited = edit_workbook(tmp_path / "w.xlsx", tmp_path / "e.xlsx",
                           {("正文", "B19"): "　　第一段，段首有全角空格。\r\n\r\n第二段。\n  \n第三段。"})
    code, out, err = run_cli(capsys, "compile", edited, "-o", tmp_path / "out")
    assert code == 0, err
    texts = [p.text for p in Document(out.strip()).paragraphs]
    i = texts.index("第一段，段首有全角空格。")
    assert texts[i:i + 3] == ["第一段，段首有全角空格。", "第二段。", "第三段。"]


def test_short_title_stays_on_one_line(tmp_path, capsys):
    data = example_data()
    data["office"]["report_name"] = "某某县"
    code, out, err = _compile(tmp_path, capsys, data)
    assert code == 0, err
    assert Document(out.strip()).paragraphs[0].text == "某某县2021年政府信息公开工作年度报告"
