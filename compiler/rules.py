"""Every rule nianbao checks, as data: code, severity, title, basis, explanation, parameters.

The readers report the ``stage="read"`` rules while they read a file; the check
engine (``compiler.checks``) runs the others, dispatching on ``kind`` with the
rule's ``params``.  ``nianbao rules`` lists this table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import format2021 as fmt
from .diagnostics import Finding, Severity

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO

BASIS_FORMAT = fmt.FORMAT_TITLE
BASIS_ART50 = "《中华人民共和国政府信息公开条例》第五十条"


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    title: str
    basis: str
    explanation: str
    stage: str = "report"  # read | report | years | batch | match | review
    kind: str = ""  # what the check engine runs (stage report/years)
    params: dict[str, Any] = field(default_factory=dict)


RULES: tuple[Rule, ...] = (
    # ---- files that cannot be read at all (exit code 2) -----------------------
    Rule("FILE-READ", E, "文件无法读取", "—",
         "文件不存在、为空、不是 .xlsx 工作簿（如 .xls、.csv、.docx 改了扩展名）、已损坏、被加密，"
         "或超出安全限制（解压后过大、行数过多）。nianbao 不读取其中任何内容，也不输出任何文件。", stage="read"),
    Rule("FILE-FORMAT", E, "不是 2021 年格式的标准填报表", BASIS_FORMAT,
         "工作簿不是 nianbao 生成的 2021 年格式填报表：可能是 2019 年试行格式（国办公开办函〔2019〕60号，"
         "表二有“本年新制作数量”等栏目），或其他来源的表格。请用 `nianbao template` 生成新模板后重新填写。",
         stage="read"),
    # ---- the workbook's structure ----------------------------------------------
    Rule("WB-VERSION", E, "模板版本不符", "nianbao 标准填报表",
         "填报表由另一版本的 nianbao 模板生成，单元格位置可能不同。请用当前版本生成的模板重新填写，"
         "或升级 nianbao。", stage="read"),
    Rule("WB-SHEET", E, "缺少工作表", "nianbao 标准填报表",
         "找不到某个工作表（被删除或改名后无法识别），其中的数据无法读取。", stage="read"),
    Rule("WB-RENAMED", I, "工作表被改名或调换顺序", "nianbao 标准填报表",
         "工作表改名或调换顺序不影响读取（nianbao 按定义名称定位单元格），这里只是提示。", stage="read"),
    Rule("WB-HIDDEN", W, "工作表被隐藏", "nianbao 标准填报表",
         "隐藏的工作表照常读取并写入报告。请确认隐藏的内容确实要发布。", stage="read"),
    Rule("WB-MOVED", I, "单元格位置移动", "nianbao 标准填报表",
         "插入或删除了行、列，数据单元格的位置变了。nianbao 按定义名称找到了它们，这里说明移到了哪里。",
         stage="read"),
    Rule("WB-NAME", W, "定义名称缺失或失效", "nianbao 标准填报表",
         "数据单元格的定义名称（如 nb_t3_new_natural）被删除或指向无效位置，nianbao 改按模板中的原位置读取。"
         "如果还插入或删除过行、列，读到的可能是错位的数据。", stage="read"),
    Rule("WB-LAYOUT", E, "表格结构与模板不同", "nianbao 标准填报表",
         "数据单元格所在的行或列被删除了（其定义名称变成了 #REF!），或者用不更新定义名称的程序插入、删除、"
         "移动过行列，标签已不在模板中的位置。nianbao 无法确定数据在哪里，读到的数据可能错位或缺失。"
         "请撤销改动，或把数据重新填入用 nianbao template 生成的模板。", stage="read"),
    Rule("WB-OUTSIDE", W, "填写在数据单元格以外", "nianbao 标准填报表",
         "只有浅黄色的填写单元格会写入报告；写在其他位置的内容不会出现在报告中。", stage="read"),
    Rule("WB-FORMULA", W, "总计公式被改动", "nianbao 标准填报表",
         "总计单元格的公式与模板不同。表中显示的数与各项之和相同（或文件中没有显示值）时，报告按各项之和写；"
         "不同时，nianbao 采用表中显示的数，并由相应的勾稽关系规则报告错误。请恢复模板的求和公式。", stage="read"),
    Rule("WB-CACHE", E, "公式没有计算结果", "nianbao 标准填报表",
         "填写单元格中是公式，但文件里没有它的计算结果（文件未在 Excel/WPS 中打开保存过）。"
         "请直接填数字，或在 Excel/WPS 中打开后保存。", stage="read"),
    Rule("WB-MACRO", W, "含宏的工作簿", "nianbao 标准填报表",
         ".xlsm 文件中的宏不会运行，nianbao 只读取单元格的值。建议另存为 .xlsx。", stage="read"),
    Rule("YEAR-NOLAST", I, "没有对应的上年度报告", "nianbao check/batch --last-year",
         "给出了上年度的文件（--last-year），但其中没有这个机关（按机关名称）上一年度的报告，"
         "所以没有做跨年度检查（上年结转、现行有效件数、正文雷同）。", stage="match"),
    Rule("BATCH-DUP", E, "同一机关同一年度报送了不止一份", "nianbao batch",
         "批量处理时，同一机关（按机关名称）同一年度有两份或更多填报表。无法确定以哪一份为准，"
         "这些文件都不生成报告，退回说明请对方确认后只报送一份。", stage="batch"),
    Rule("REVIEW-REASON", W, "不采纳错误没有写理由", "nianbao batch --review",
         "校验结果.xlsx 中把一处错误标为“不采纳”，但“理由”列为空。错误会阻止生成和发布报告，"
         "只有写明理由（如“经电话核实，表中数字无误”）才能不采纳；没有理由时这条复核意见不采用，错误照旧。"
         "警告和提示不采纳时可以不写理由。", stage="review"),
    Rule("INFO-MAIL", W, "邮箱地址无效", "RFC 5322",
         "“基本信息”的报送邮箱或抄送邮箱中有不像电子邮箱的内容。生成报送邮件（--to eml）时不会使用它，"
         "请改正（如 gkb@example.gov.cn，多个地址用分号隔开）。", stage="read"),
    Rule("JSON-KEY", E, "JSON 键缺失、多余或类型不符", "data-model.md",
         "JSON 的键是固定的：缺少键、多出未知的键或值的类型不对都是错误，任何数据都不会被悄悄丢弃。",
         stage="read"),
    # ---- published reports read back (nianbao import; check/batch of a .docx/.html/.pdf/.txt) ----
    Rule("IMP-FORMAT", E, "已发布的报告是 2019 年试行格式", "国办公开办函〔2019〕60号",
         "报告的表格是 2019 年试行格式（表二有“本年新制作数量”“对外公开总数量”等栏目，表三的（六）只有一行），"
         "与 2021 年格式的行列不同，表格中的数字没有导入。正文照常导入。", stage="read"),
    Rule("IMP-TABLE", E, "找不到官方表格", BASIS_FORMAT,
         "报告中找不到表二、表三或表四（没有这张表，或者表格是图片、不在相应标题之下）。"
         "这张表的数字都没有导入，需要手工填写。", stage="read"),
    Rule("IMP-MISSING", E, "表格缺少一行", BASIS_FORMAT,
         "官方表格中的某一行在报告中找不到（被删除，或标签改得认不出了），这一行的数没有导入。", stage="read"),
    Rule("IMP-ROW", W, "表格中有不认识的行", BASIS_FORMAT,
         "表格中有一行的标签不是格式中的任何一行（或者同一行出现了两次），这一行的数字没有导入；"
         "导入说明中有原文，请核对后手工填写。", stage="read"),
    Rule("IMP-CELL", E, "表格中的数无法导入", BASIS_FORMAT,
         "单元格里不是数字（如“三件”），或者一行中的数比格式中的列少、又无法确定空格是哪一列。这些数没有导入。",
         stage="read"),
    Rule("IMP-LABEL", W, "表格行的标签与格式不完全相同", BASIS_FORMAT,
         "表格中有一行的标签有错字或是简写（如“2.其他法律行政止公开”“1.逾期不补正”），只与格式中的一行相近，"
         "nianbao 按这一行导入了它的数字。请核对是不是这一行。", stage="read"),
    Rule("IMP-YEAR", E, "找不到报告年度", BASIS_FORMAT,
         "标题中找不到报告年度（“2024年政府信息公开工作年度报告”）。年度没有导入，需要手工填写；"
         "跨年度检查和生成下一年度填报表都要用到它。", stage="read"),
    Rule("IMP-GRID", E, "表格大到不像年度报告", BASIS_FORMAT,
         "文件中有一个表格的单元格数远超年度报告的任何表格（合并单元格的跨度异常大，可能是损坏或恶意的文件），"
         "nianbao 没有读取这个文件。", stage="read"),
    Rule("IMP-BLANK", I, "表格中的空格按 0 导入", BASIS_FORMAT,
         "已发布的表格中这个单元格是空的（或填了“/”“—”“无”）。格式要求没有发生的事项填 0，"
         "nianbao 按 0 导入，并在这里说明。", stage="read"),
    Rule("IMP-NOTE", I, "单元格中的说明文字", BASIS_FORMAT,
         "单元格里除了数字还有说明（如“22（其中修订16件）”）。数字导入表格，说明文字不在表格中，"
         "需要时请写进正文。", stage="read"),
    Rule("IMP-TEXT", W, "正文结构与格式不同", BASIS_FORMAT,
         "找不到报告标题、某个部分的标题或（一）至（五）小标题，或者有格式以外的部分。"
         "相应的文字按所在位置导入，导入说明中写明了放在哪里，请核对。", stage="read"),
    Rule("IMP-OFFICE", I, "基本信息取自报告正文", "nianbao import",
         "已发布的报告没有“基本信息”表：机关名称、年度取自标题，网站、地址、电话等取自开头段。"
         "找不到的项留空，请核对。", stage="read"),
    Rule("IMP-EDIT", I, "导入时整理了文字", "GB/T 15834《标点符号用法》",
         "从网页或 PDF 复制的文字常带有半角标点、多余空格、页码和分页处断开的段落。"
         "nianbao 把中文旁的半角标点改为全角、删去中文与数字之间的空格和页码、接续断开的段落，其余文字不变。",
         stage="read"),
    # ---- cell values ---------------------------------------------------------------
    Rule("NUM-I4", E, "不是非负整数（金额不是非负数）", BASIS_FORMAT + "（表格数据为件数、金额）",
         "件数必须是不小于 0 的整数；行政事业性收费是不小于 0 的金额（万元，可有小数）。"
         "“3件”“无”“三”“-1”“#DIV/0!”等都不能作为数字。", stage="read"),
    Rule("NUM-I5", E, "数据单元格为空或填了“/”“—”", BASIS_FORMAT,
         "公开发布的表格中每个数据单元格都应有数字；没有发生的事项填 0，不能留空，也不能填“/”“—”“无”。",
         stage="read"),
    Rule("NUM-TEXT", W, "数字以文本形式填写", "nianbao 标准填报表",
         "单元格里是文本形式的数字（如“ 3 ”“１２”“3.0”）。nianbao 按数字读取，并在这里说明读成了多少；"
         "请确认无误，最好改为数字格式。", stage="read"),
    Rule("TXT-CHAR", W, "删除了无法写入文档的字符", "XML 1.0 字符范围",
         "文字中含有控制字符等 Word 文档无法保存的字符，已删除；其余文字不变。", stage="read"),
    # ---- consistency rules (勾稽关系) --------------------------------------------------
    Rule("T3-S1", E, "表三 一+二 应等于 三+四", BASIS_FORMAT + "表三（本列数据的勾稽关系）",
         "表三每一列：本年新收 + 上年结转 = （七）总计 + 结转下年度继续办理。"
         "不一致时，错误标在“四、结转下年度继续办理”一行，说明按一+二−（七）它应为多少。",
         kind="balance", params={"what": "一+二−（七）"}),  # the relation itself: format2021.BALANCES
    Rule("T3-I1", E, "表三 总计列应等于各类申请人之和", BASIS_FORMAT + "表三",
         "表三每一行：总计 = 自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他。", kind="sums"),
    Rule("T3-I2", E, "表三 （七）总计应等于各项办理结果之和", BASIS_FORMAT + "表三",
         "表三每一列：（七）总计 = （一）+（二）+（三）1–8 +（四）1–3 +（五）1–5 +（六）1–3。", kind="sums"),
    Rule("T4-I3", E, "表四 总计应等于四项结果之和", BASIS_FORMAT + "表四",
         "表四行政复议、未经复议直接起诉、复议后起诉三组，每组：总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结。"
         "（某区 2023 年报告曾发布“维持 10、纠正 1、总计 0”。）", kind="sums"),
    # ---- plausibility -------------------------------------------------------------------
    Rule("T2-W1", W, "无规章制定权的机关填了规章", "《中华人民共和国立法法》第九十一条、第九十三条",
         "只有国务院部门、省级人民政府和设区的市、自治州人民政府有权制定规章。"
         "乡镇、县级政府和各级政府部门的“规章”一行通常为 0。",
         kind="rule_power",
         params={"paths": (("t2", "rules", "made"), ("t2", "rules", "repealed"), ("t2", "rules", "valid")),
                 # (pattern of the office's name, has rule-making power?): the first that matches decides;
                 # None: the name does not tell (no warning); a name that none matches has none.  A 县级市
                 # cannot be told from a 设区的市 by its name, nor a city named alone ("宿迁市"), and a
                 # government's 办公厅/办公室 may report its government's 规章: no warning.
                 "decide": ((r"(省|自治区|市|自治州|盟)(人民)?政府(办公厅|办公室)$", None),
                            (r"^[^省区县旗镇乡]{1,10}(市|自治州|盟)$", None),
                            (r"(省|自治区|北京市|天津市|上海市|重庆市)人民政府$", True),
                            (r"(区|县|旗|镇|乡|苏木)人民政府$|(街道|区|县)办事处$|(区|县|旗|镇|乡)政府$", False),
                            (r"(市|自治州|盟)(人民)?政府$", True),
                            (r"^(国务院|中华人民共和国)", True),
                            (r"^国家[^省市县区]+(局|委员会|署|部)$", True),
                            (r"^[^省市县区镇乡]{1,10}部$", True))}),
    Rule("T2-W2", W, "本年制发件数大于现行有效件数与本年废止件数之和", BASIS_FORMAT + "表二",
         "当年制发的文件要么仍然有效，要么当年已废止，所以本年制发件数一般不大于现行有效件数 + 本年废止件数。",
         kind="not_more", params={"rows": ("rules", "normative")}),
    Rule("T3-W3", W, "有逾期未缴费的申请，第六部分却没提信息处理费", "国办函〔2020〕109号《政府信息公开信息处理费管理办法》",
         "表三（六）2“申请人逾期未按收费通知要求缴纳费用”不为 0，说明发出过收费通知，"
         "“六、其他需要报告的事项”应说明信息处理费的收取情况。",
         kind="mention", params={"path": ("t3", "o_unpaid", "total"), "text": "other", "words": ("信息处理费", "处理费")}),
    Rule("TXT-W4", W, "正文中的数字与表格不符", BASIS_ART50,
         "正文中说到的表格数字（如“收到政府信息公开申请8件”“未收到政府信息公开申请”“现行有效行政规范性文件393件”"
         "“行政复议2起”）应与表格一致。说法表见 compiler/figures.py；同比、较上年、百分比、其他年度的数字和"
         "说不清是哪一项的数字不检查。",
         kind="quotes"),
    Rule("TXT-W5", W, "第五、六部分为空", BASIS_ART50,
         "“五、存在的主要问题及改进情况”和“六、其他需要报告的事项”都应有内容；第六部分没有事项可写“无。”。",
         kind="nonempty", params={"texts": ("problems", "other")}),
    Rule("TXT-W7", W, "第五部分只写了“无”或过于简短", BASIS_ART50 + "（年度报告应包括存在的主要问题及改进情况）",
         "“五、存在的主要问题及改进情况”只写了“无”“暂无”“无。”之类，或不到约 15 个字（不计标点和空格）。"
         "评议年报时，“没有问题”本身就被当作一项问题：请写出本年度工作中存在的具体问题和改进措施。"
         "这一部分完全为空时由 TXT-W5 报告，不重复。",
         kind="thin", params={"text": "problems", "min_chars": 15,
                              "nothing": ("无", "暂无", "没有", "无问题", "暂无问题", "没有问题", "无相关问题")}),
    Rule("TXT-W8", W, "第六部分说没有收取信息处理费，正文别处却写了收费金额",
         "《中华人民共和国政府信息公开条例》第四十二条；国办函〔2020〕109号《政府信息公开信息处理费管理办法》",
         "“六、其他需要报告的事项”只写了“无”，或写明没有收取信息处理费（如“本年度未收取信息处理费”），"
         "正文中却有收取信息处理费的金额（如“收取信息处理费120元”）。两处必有一处不对。"
         "这条规则只比较信息处理费，不看表二的“行政事业性收费”：表二的收费金额是第二十条第（八）项要求主动公开的、"
         "本机关在行政管理中收取的各项行政事业性收费，与依申请公开时收取的信息处理费是两回事"
         "（条例第四十二条：依申请提供政府信息一般不收费，申请数量、频次明显超过合理范围的才可收取信息处理费），"
         "表二有收费金额并不说明收取过信息处理费。表中与信息处理费有关的只有表三（六）2“逾期未按收费通知要求缴纳费用”，"
         "由 T3-W3 检查：发出过收费通知而对方没有缴纳，与“未收取”并不矛盾。",
         kind="fees_stated",
         params={"text": "other",
                 # the whole part says there is nothing to report (which includes no fees)
                 "nothing": r"^(?:无|暂无|没有|无其他需要报告的事项|本年度无其他需要报告的事项|无需要报告的其他事项)$",
                 # a sentence saying no 信息处理费 was charged
                 "none_charged": (r"(?:未|没有|无|不|均未|并未)[^。；，]{0,8}?(?:收取|收(?!到)|产生|发生|涉及)[^。；]{0,12}?"
                                  r"(?:信息处理费|费用|收费)",
                                  r"信息处理费[^。；\d]{0,6}?(?:为\s*0(?![\d.])|为零|(?<![\d.])0\s*元)"),
                 # a sentence stating an amount of 信息处理费 charged (a negation just before it is not one)
                 "charged": (r"收取(?:了)?[^。；，]{0,12}?信息处理费[^。；\d]{0,8}?(?P<n>\d+(?:\.\d+)?)\s*(?P<u>万?元)",
                             r"信息处理费(?:共|合计|共计|计)?\s*(?P<n>\d+(?:\.\d+)?)\s*(?P<u>万?元)"),
                 "negations": ("未", "没有", "不", "无", "免")}),
    Rule("TXT-X3", E, "正文中的统计期限不是报告年度", BASIS_FORMAT,
         "报告统计的是报告年度 1 月 1 日至 12 月 31 日的数据。正文写的统计期限若是别的年份，"
         "多半是照抄了上一年的报告。写今后计划的年份（如“在2022年的工作中”）不受影响。",
         kind="period",
         params={"patterns": (
             # (regular expression with a group "y", what the year is of)
             (r"统计(?:数据|期限|时限|时间|区间|范围|期间)[^。；，]{0,12}?(?P<y>\d{4})\s*年\s*1\s*月\s*1\s*日", "统计期限"),
             (r"统计(?:数据的?)?(?:期限|时限|时间|区间|范围|期间)(?:为|是|：|:)\s*(?P<y>\d{4})\s*年度?(?![^。；]{0,6}(?:相比|比较))",
              "统计期限"),
             (r"(?:从|自)\s*(?P<y>\d{4})\s*年\s*1\s*月\s*1\s*日[^。；]{0,8}?(?:至|到)[^。；]{0,12}?12\s*月\s*31\s*日[^。；]{0,6}?"
              r"(?:止)?[^。]{0,10}?统计", "统计期限"),
             (r"统计[^。；]{0,20}?1\s*月\s*1\s*日\s*(?:起\s*)?(?:至|到)\s*(?P<y>\d{4})\s*年\s*12\s*月\s*31\s*日", "统计期限的截止日期"),
             (r"现发布《[^》]*?(?P<y>\d{4})\s*年(?:度)?政府信息公开工作年度报告》", "报告名称中的年度"),
         )}),
    Rule("INFO-REQ", E, "基本信息必填项为空", BASIS_ART50,
         "“机关名称（全称）”和“报告年度”必须填写：报告标题、文件名和开头段都用到它们。",
         kind="required", params={"paths": (("office", "name"), ("year",))}),
    Rule("INFO-YEAR", E, "报告年度不在有效范围", BASIS_FORMAT,
         "2021 年格式用于 2021 年度及以后的报告；报告年度也不能晚于今年。",
         kind="year_range", params={"first": fmt.FIRST_YEAR}),
    Rule("INFO-CONTACT", W, "开头段需要的联系信息为空", BASIS_FORMAT,
         "“正文”表的开头段留空时，nianbao 按基本信息生成开头段，其中要写发布网站、地址、邮编和电话；"
         "这些项为空时，开头段会缺少相应内容。", kind="contact"),
    Rule("TXT-EMPTY", W, "正文部分为空", BASIS_ART50,
         "“一、总体情况”的概述和（一）至（五）各部分都应有内容。", kind="empty_text"),
    Rule("TXT-LEFTOVER", E, "正文中残留模板或填写说明文字", BASIS_FORMAT,
         "正文中有“请在此填写”“XX”“××”之类的占位或说明文字，发布前必须改掉。",
         kind="leftover",
         params={"patterns": (r"请在此[处]?(?:填写|输入)", r"请(?:填写|输入)[^。]{0,10}(?:内容|情况)", r"此处(?:填写|输入)",
                              r"[XＸ]{2,}", r"[×✕]{2,}", r"(?<![一二])[○〇]{3,}", r"（示例）|\(示例\)|【示例】",
                              r"[（(【\[]\s*填写说明|填写说明\s*[：:]", r"模板文字", r"(?:^|[，。])XX[局委办镇县区市]", r"\{\{|\}\}")}),
    # ---- across years (--last-year) -------------------------------------------------------
    Rule("T3-X1", E, "上年结转与上年报告的结转下年度不符", BASIS_FORMAT + "表三",
         "表三每一列：今年的“二、上年结转政府信息公开申请数量”应等于去年报告的“四、结转下年度继续办理”。",
         stage="years", kind="carry", params={"this": "carried_in", "last": "carried_out"}),
    Rule("T2-X2", W, "现行有效件数与上年不衔接", BASIS_FORMAT + "表二",
         "现行有效件数一般 ≈ 去年的现行有效件数 + 本年制发件数 − 本年废止件数（文件也可能因到期失效，故为警告）。",
         stage="years", kind="stock", params={"rows": ("rules", "normative")}),
    Rule("TXT-W6", W, "正文与上年报告大量雷同", "各地政务公开考核通行做法（报告内容雷同扣分）",
         "正文与去年报告的文字重合过多（超过一半）。年度报告应写本年度的工作，评议时雷同会被扣分。",
         stage="years", kind="similar", params={"threshold": 0.5, "min_chars": 200}),
    # ---- two years of one office side by side (nianbao compare) ------------------------------------
    Rule("CMP-OFFICE", E, "两份报告不是同一机关", "nianbao compare",
         "对比的两份报告应是同一机关的（按机关名称；已发布报告标题中的机关名称常省去上级地名，"
         "如“沙坡头区永康镇人民政府”与“中卫市沙坡头区永康镇人民政府”算作同一机关）。不是同一机关时不对比。",
         stage="compare"),
    Rule("CMP-YEAR", E, "两份报告的年度不能对比", "nianbao compare",
         "两份报告都要有报告年度，且先给的上年报告早于后给的本年报告：同一年度的两份、顺序颠倒的两份不对比。"
         "不是相邻年度时照常对比正文和表格，但不做跨年度检查（上年结转、现行有效件数）。", stage="compare"),
)

RULES_BY_CODE: dict[str, Rule] = {r.code: r for r in RULES}


def finding(code: str, message: str, **where: Any) -> Finding:
    """A finding of a registered rule; the rule decides its severity."""
    return Finding(code=code, severity=RULES_BY_CODE[code].severity, message=message, **where)


def describe(rule: Rule) -> str:
    stage = {"read": "读取时检查", "report": "检查报告内容", "years": "需要 --last-year（上年报告）",
             "batch": "批量处理（nianbao batch）时检查", "match": "按机关名称对应上年度文件时",
             "compare": "对比两年的报告（nianbao compare）时",
             "review": "复核（nianbao batch --review）时"}[rule.stage]
    return (f"{rule.code}  {rule.severity.zh}  {rule.title}\n"
            f"  依据：{rule.basis}\n"
            f"  说明：{rule.explanation}\n"
            f"  检查：{stage}")
