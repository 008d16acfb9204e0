"""The three official tables transcribed by hand from format-2021.md §2–§4.

This is the tests' own oracle: it does not import compiler.format2021, so a
label or a merge that drifts there makes a test fail.  Cells: (row, col,
rowspan, colspan, text); a value cell has text None.
"""

T2_SHAPE = (14, 4)
T2_CELLS = [
    (0, 0, 1, 4, "第二十条第（一）项"),
    (1, 0, 1, 1, "信息内容"), (1, 1, 1, 1, "本年制发件数"), (1, 2, 1, 1, "本年废止件数"), (1, 3, 1, 1, "现行有效件数"),
    (2, 0, 1, 1, "规章"), (2, 1, 1, 1, None), (2, 2, 1, 1, None), (2, 3, 1, 1, None),
    (3, 0, 1, 1, "行政规范性文件"), (3, 1, 1, 1, None), (3, 2, 1, 1, None), (3, 3, 1, 1, None),
    (4, 0, 1, 4, "第二十条第（五）项"),
    (5, 0, 1, 1, "信息内容"), (5, 1, 1, 3, "本年处理决定数量"),
    (6, 0, 1, 1, "行政许可"), (6, 1, 1, 3, None),
    (7, 0, 1, 4, "第二十条第（六）项"),
    (8, 0, 1, 1, "信息内容"), (8, 1, 1, 3, "本年处理决定数量"),
    (9, 0, 1, 1, "行政处罚"), (9, 1, 1, 3, None),
    (10, 0, 1, 1, "行政强制"), (10, 1, 1, 3, None),
    (11, 0, 1, 4, "第二十条第（八）项"),
    (12, 0, 1, 1, "信息内容"), (12, 1, 1, 3, "本年收费金额（单位：万元）"),
    (13, 0, 1, 1, "行政事业性收费"), (13, 1, 1, 3, None),
]
# data-model key of each Table 二 value cell, by (row, col)
T2_KEYS = {
    (2, 1): ("rules", "made"), (2, 2): ("rules", "repealed"), (2, 3): ("rules", "valid"),
    (3, 1): ("normative", "made"), (3, 2): ("normative", "repealed"), (3, 3): ("normative", "valid"),
    (6, 1): ("licensing",), (9, 1): ("penalty",), (10, 1): ("coercion",), (13, 1): ("fees_wan_yuan",),
}

T3_SHAPE = (28, 10)
T3_COLUMNS = ["natural", "commercial", "research", "nonprofit", "legal", "other", "total"]
T3_ROWS = ["new", "carried_in", "disclosed", "partial", "w_secret", "w_law", "w_safety", "w_third_party",
           "w_internal", "w_process", "w_enforcement", "w_query", "u_not_held", "u_needs_creation", "u_unclear",
           "n_petition", "n_duplicate", "n_publication", "n_massive", "n_confirm", "o_no_fix", "o_unpaid", "o_other",
           "total_handled", "carried_out"]
T3_CELLS = [
    (0, 0, 3, 3, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"),
    (0, 3, 1, 7, "申请人情况"),
    (1, 3, 2, 1, "自然人"), (1, 4, 1, 5, "法人或其他组织"), (1, 9, 2, 1, "总计"),
    (2, 4, 1, 1, "商业企业"), (2, 5, 1, 1, "科研机构"), (2, 6, 1, 1, "社会公益组织"), (2, 7, 1, 1, "法律服务机构"),
    (2, 8, 1, 1, "其他"),
    (3, 0, 1, 3, "一、本年新收政府信息公开申请数量"),
    (4, 0, 1, 3, "二、上年结转政府信息公开申请数量"),
    (5, 0, 22, 1, "三、本年度办理结果"),
    (5, 1, 1, 2, "（一）予以公开"),
    (6, 1, 1, 2, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    (7, 1, 8, 1, "（三）不予公开"),
    (7, 2, 1, 1, "1.属于国家秘密"), (8, 2, 1, 1, "2.其他法律行政法规禁止公开"), (9, 2, 1, 1, "3.危及“三安全一稳定”"),
    (10, 2, 1, 1, "4.保护第三方合法权益"), (11, 2, 1, 1, "5.属于三类内部事务信息"), (12, 2, 1, 1, "6.属于四类过程性信息"),
    (13, 2, 1, 1, "7.属于行政执法案卷"), (14, 2, 1, 1, "8.属于行政查询事项"),
    (15, 1, 3, 1, "（四）无法提供"),
    (15, 2, 1, 1, "1.本机关不掌握相关政府信息"), (16, 2, 1, 1, "2.没有现成信息需要另行制作"),
    (17, 2, 1, 1, "3.补正后申请内容仍不明确"),
    (18, 1, 5, 1, "（五）不予处理"),
    (18, 2, 1, 1, "1.信访举报投诉类申请"), (19, 2, 1, 1, "2.重复申请"), (20, 2, 1, 1, "3.要求提供公开出版物"),
    (21, 2, 1, 1, "4.无正当理由大量反复申请"), (22, 2, 1, 1, "5.要求行政机关确认或重新出具已获取信息"),
    (23, 1, 3, 1, "（六）其他处理"),
    (23, 2, 1, 1, "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    (24, 2, 1, 1, "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    (25, 2, 1, 1, "3.其他"),
    (26, 1, 1, 2, "（七）总计"),
    (27, 0, 1, 3, "四、结转下年度继续办理"),
] + [(3 + r, 3 + c, 1, 1, None) for r in range(25) for c in range(7)]

T4_SHAPE = (4, 15)
T4_GROUPS = ["review", "suit_direct", "suit_after_review"]
T4_PARTS = ["upheld", "corrected", "other", "pending", "total"]
_PART_LABELS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
T4_CELLS = [
    (0, 0, 1, 5, "行政复议"), (0, 5, 1, 10, "行政诉讼"),
    (1, 5, 1, 5, "未经复议直接起诉"), (1, 10, 1, 5, "复议后起诉"),
] + [(1, c, 2, 1, label) for c, label in enumerate(_PART_LABELS)] \
  + [(2, 5 + c, 1, 1, label) for c, label in enumerate(_PART_LABELS)] \
  + [(2, 10 + c, 1, 1, label) for c, label in enumerate(_PART_LABELS)] \
  + [(3, c, 1, 1, None) for c in range(15)]

HEADINGS = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
]


def value_position(table: str, key: tuple) -> tuple[int, int]:
    """(row, col) of a value cell in the printed table, from the data-model key (without the table key)."""
    if table == "t2":
        return next(pos for pos, k in T2_KEYS.items() if k == key)
    if table == "t3":
        return 3 + T3_ROWS.index(key[0]), 3 + T3_COLUMNS.index(key[1])
    return 3, 5 * T4_GROUPS.index(key[0]) + T4_PARTS.index(key[1])
