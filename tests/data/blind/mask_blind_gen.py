#!/usr/bin/env python3
"""Blind evaluation-set generator for personal-number masking (card / resident ID / mobile).

Written by an independent data-protection / QA reviewer WITHOUT looking at the tool.
Standard library only, fixed seed. Output: /work/blind/mask_blind.jsonl

Each line: {"text": ..., "pii": [{"digits": "...", "kind": "card|id|mobile"}], "style": ...}
Negatives have "pii": [].
For mobiles written with +86 / 86 / 0 prefixes, "digits" is the 11-digit subscriber number.
For IDs ending in X, "digits" uses uppercase ASCII "X".
"""
import json
import random
import datetime

SEED = 20261207
rng = random.Random(SEED)
OUT = "/work/blind/mask_blind.jsonl"

# ---------------------------------------------------------------- number makers

def luhn_check_digit(body):
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_ok(num):
    return luhn_check_digit(num[:-1]) == num[-1]


# (prefix, length) -- real-looking Chinese-bank BINs
CARD_BINS = [
    ("622848", 19), ("622845", 19), ("621700", 19), ("622700", 19), ("623668", 19),
    ("622202", 19), ("621226", 19), ("621559", 19), ("621661", 19), ("621785", 19),
    ("622588", 16), ("621483", 16), ("622609", 16), ("622260", 19), ("623058", 19),
    ("621799", 19), ("622908", 16), ("625802", 16), ("628288", 16), ("622575", 16),
    ("625965", 16), ("621098", 19), ("622188", 19), ("623062", 19), ("620522", 16),
    ("627066", 16), ("621288", 19), ("622155", 16), ("622262", 19), ("621460", 17),
    ("438088", 16), ("427020", 16), ("404119", 16), ("456351", 16), ("439225", 16),
    ("486497", 16), ("409666", 16), ("436742", 16),
    ("518710", 16), ("524047", 16), ("552599", 16), ("545619", 16), ("531693", 16),
    ("222300", 16), ("223015", 16), ("271000", 16), ("272099", 16), ("250076", 16),
    ("377677", 15), ("370285", 15), ("349235", 15), ("376968", 15),
    ("356833", 16), ("356885", 16), ("352801", 16), ("358995", 16),
]
# unusual prefixes, Luhn valid, 13..19 digits
ODD_PREFIXES = ["9", "60", "81", "7", "58", "69", "880", "940", "4", "5"]


def make_card(unusual=False):
    if unusual:
        pre = rng.choice(ODD_PREFIXES)
        length = rng.randint(13, 19)
    else:
        pre, length = rng.choice(CARD_BINS)
    body = pre + "".join(rng.choice("0123456789") for _ in range(length - len(pre) - 1))
    return body + luhn_check_digit(body)


REGIONS = [
    "110101", "110105", "110108", "120104", "130102", "130602", "140105", "150102",
    "210102", "210202", "220102", "230103", "310101", "310104", "310115", "320102",
    "320506", "330106", "330302", "340104", "350203", "360102", "370202", "370102",
    "410105", "420106", "430104", "440106", "440305", "440304", "450103", "460105",
    "500103", "510107", "520102", "530102", "540102", "610113", "620102", "630102",
    "640104", "650102", "441900", "445102", "371302", "421002",
]
ID_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_C = "10X98765432"


def id_check(body17):
    return ID_C[sum(int(a) * b for a, b in zip(body17, ID_W)) % 11]


def id_ok(num):
    if len(num) != 18 or not num[:17].isdigit():
        return False
    try:
        datetime.date(int(num[6:10]), int(num[10:12]), int(num[12:14]))
    except ValueError:
        return False
    return id_check(num[:17]) == num[17].upper()


def rand_date(y0, y1):
    start = datetime.date(y0, 1, 1).toordinal()
    end = datetime.date(y1, 12, 28).toordinal()
    return datetime.date.fromordinal(rng.randint(start, end))


def make_id(want_x=None):
    while True:
        d = rand_date(1938, 2008)
        body = rng.choice(REGIONS) + d.strftime("%Y%m%d") + "%03d" % rng.randint(1, 999)
        full = body + id_check(body)
        if want_x is None or (full.endswith("X") == want_x):
            return full


def make_id15():
    d = rand_date(1930, 1999)
    return rng.choice(REGIONS) + d.strftime("%y%m%d") + "%03d" % rng.randint(1, 999)


MOBILE_PRE = ["130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
              "145", "147", "150", "151", "152", "153", "155", "156", "157", "158", "159",
              "162", "165", "166", "167", "170", "171", "172", "173", "175", "176", "177", "178",
              "180", "181", "182", "183", "184", "185", "186", "187", "188", "189",
              "190", "191", "192", "193", "195", "196", "197", "198", "199"]


def make_mobile():
    return rng.choice(MOBILE_PRE) + "".join(rng.choice("0123456789") for _ in range(8))


# ---------------------------------------------------------------- grouping helpers

def groups(num, kind):
    n = len(num)
    if kind == "mobile":
        return [num[:3], num[3:7], num[7:]]
    if kind == "id":
        if n == 18:
            return rng.choice([[num[:6], num[6:14], num[14:]],
                               [num[:6], num[6:10], num[10:14], num[14:]],
                               [num[:3], num[3:6], num[6:10], num[10:14], num[14:]]])
        return [num[:6], num[6:12], num[12:]]
    # card
    if n == 15:
        return [num[:4], num[4:10], num[10:]]
    return [num[i:i + 4] for i in range(0, n, 4)]


CN = {"0": "零", "1": "一", "2": "二", "3": "三", "4": "四", "5": "五", "6": "六",
      "7": "七", "8": "八", "9": "九", "X": "X"}
CAP = {"0": "零", "1": "壹", "2": "贰", "3": "叁", "4": "肆", "5": "伍", "6": "陆",
       "7": "柒", "8": "捌", "9": "玖", "X": "X"}
FW = {c: chr(ord(c) + 0xFEE0) for c in "0123456789X"}


def cn_digit(c, zero=None, yao=False, liang=False, x="X"):
    if c == "0":
        return zero or rng.choice(["零", "〇"])
    if c == "1" and yao:
        return "幺"
    if c == "2" and liang:
        return "两"
    if c == "X":
        return x
    return CN[c]


def to_cn(s, **kw):
    return "".join(cn_digit(c, **kw) for c in s)


# ---------------------------------------------------------------- renderers
# each renderer: (num, kind) -> text fragment.  Some are kind-restricted.

def r_plain(n, k):
    return n


def r_space(n, k):
    return " ".join(groups(n, k))


def r_hyphen(n, k):
    return "-".join(groups(n, k))


def r_dot(n, k):
    return ".".join(groups(n, k))


def r_cn(n, k):
    z = rng.choice(["零", "〇"])
    return to_cn(n, zero=z, x=rng.choice(["X", "x"]))


def r_cn_grouped(n, k):
    z = rng.choice(["零", "〇"])
    return rng.choice([" ", "，", "、"]).join(to_cn(g, zero=z) for g in groups(n, k))


def r_yao_liang(n, k):
    z = rng.choice(["洞", "零", "〇"])
    return to_cn(n, zero=z, yao=True, liang=rng.random() < 0.6)


def r_id_cha(n, k):
    # ID number ending in X spoken as 叉 (caller reads it)
    z = rng.choice(["零", "〇", "洞"])
    body = n[:-1]
    if rng.random() < 0.5:
        return to_cn(body, zero=z, yao=rng.random() < 0.5) + "叉"
    return body + "叉"


def r_id_x_variants(n, k):
    return n[:-1] + rng.choice(["x", "Ｘ", "X", "×"])


def r_capitals(n, k):
    return "".join(CAP[c] for c in n)


def r_digit_space(n, k):
    return " ".join(n)


def r_cn_spaced(n, k):
    z = rng.choice(["零", "〇"])
    return " ".join(cn_digit(c, zero=z) for c in n)


def r_punct_sep(n, k):
    sep = rng.choice(["，", "、", "/", "_", "，", "、"])
    return sep.join(groups(n, k))


def r_tab_sep(n, k):
    return "\t".join(groups(n, k))


def r_newline_sep(n, k):
    return "\n".join(groups(n, k))


def r_double_space(n, k):
    return "  ".join(groups(n, k))


def r_fullwidth(n, k):
    s = "".join(FW[c] for c in n)
    if rng.random() < 0.4:
        return "\u3000".join("".join(FW[c] for c in g) for g in groups(n, k))
    return s


def r_mixed_width(n, k):
    return "".join(FW[c] if rng.random() < 0.5 else c for c in n)


ZW = ["\u200b", "\u200c", "\u2060", "\ufeff"]


def r_zero_width(n, k):
    out = []
    for i, c in enumerate(n):
        out.append(c)
        if i < len(n) - 1 and rng.random() < 0.35:
            out.append(rng.choice(ZW))
    if not any(z in "".join(out) for z in ZW):
        out.insert(len(out) // 2, rng.choice(ZW))
    return "".join(out)


OTHER_INVIS = ["\u200d", "\u00ad", "\u2061", "\u2062", "\u2063", "\u180e", "\u202a", "\u202c", "\u200e", "\u200f"]


def r_other_invisible(n, k):
    out = []
    for i, c in enumerate(n):
        out.append(c)
        if i < len(n) - 1 and rng.random() < 0.3:
            out.append(rng.choice(OTHER_INVIS))
    out.insert(3, rng.choice(OTHER_INVIS))
    return "".join(out)


def r_unicode_spaces(n, k):
    sep = rng.choice(["\u00a0", "\u3000", "\u2009", "\u202f", "\u2002"])
    return sep.join(groups(n, k))


def r_mixed_ar_cn(n, k):
    # part Arabic, part Chinese numerals, switch at group boundaries or randomly
    gs = groups(n, k)
    out = []
    for i, g in enumerate(gs):
        if (i % 2 == 1) ^ (rng.random() < 0.2):
            out.append(to_cn(g, yao=rng.random() < 0.4))
        else:
            out.append(g)
    if all(x.isdigit() for x in out) or not any(x.isdigit() for x in out):
        out[0] = gs[0]
        out[-1] = to_cn(gs[-1])
    return rng.choice(["", " "]).join(out)


def r_spoken_fillers(n, k):
    gs = groups(n, k)
    z = rng.choice(["零", "洞", "〇"])
    parts = [to_cn(g, zero=z, yao=True) for g in gs]
    seps = ["，", " ", "是", "的", "，然后是", "，对，", "，嗯，", "…"]
    out = parts[0]
    for p in parts[1:]:
        out += rng.choice(seps) + p
    return out


def r_spoken_dash(n, k):
    # ASR transcribes a spoken dash as 杠
    gs = groups(n, k)
    if rng.random() < 0.5:
        return "杠".join(to_cn(g, yao=True) for g in gs)
    return "杠".join(gs)


def r_hyphen_344(n, k):
    return "-".join(groups(n, k))


def r_spaced_hyphen(n, k):
    return " - ".join(groups(n, k))


def r_mixed_sep(n, k):
    gs = groups(n, k)
    out = gs[0]
    for g in gs[1:]:
        out += rng.choice([" ", "-", ".", " - ", "  ", "/"]) + g
    return out


def r_brackets(n, k):
    l, r = rng.choice([("（", "）"), ("(", ")"), ("“", "”"), ("「", "」"), ("【", "】"),
                       ("[", "]"), ("《", "》"), ('"', '"'), ("'", "'"), ("<", ">")])
    inner = rng.choice([n, r_space(n, k)])
    return l + inner + r


def r_mobile_prefix(n, k):
    return rng.choice([
        "+86" + n, "+86 " + n, "+86 " + r_space(n, k), "+86-" + n, "86" + n,
        "0086" + n, "(+86)" + n, "+86-" + r_hyphen(n, k), "0" + n, "86-" + n,
        "＋８６" + "".join(FW[c] for c in n), "+86 " + r_double_space(n, k),
    ])


def r_repeat_confirm(n, k):
    # caller says number, seat reads it back in Chinese numerals
    return n + "，我复述一下：" + to_cn(n, yao=True)


def r_lowercase_cn_mixed_zero(n, k):
    # Chinese numerals where 0 varies within one number
    return "".join(rng.choice(["零", "〇", "洞", "0"]) if c == "0" else cn_digit(c, yao=rng.random() < .3) for c in n)


RENDER = {
    "plain": (r_plain, None),
    "space_groups": (r_space, None),
    "hyphen_groups": (r_hyphen, None),
    "dot_groups": (r_dot, None),
    "cn_numerals": (r_cn, None),
    "cn_numerals_grouped": (r_cn_grouped, None),
    "cn_yao_liang_dong": (r_yao_liang, None),
    "id_x_as_cha": (r_id_cha, "idx"),
    "id_x_variants": (r_id_x_variants, "idx"),
    "financial_capitals": (r_capitals, None),
    "digit_per_space": (r_digit_space, None),
    "cn_numerals_spaced": (r_cn_spaced, None),
    "punct_separated_groups": (r_punct_sep, None),
    "tab_separated_groups": (r_tab_sep, None),
    "newline_separated_groups": (r_newline_sep, None),
    "double_space_groups": (r_double_space, None),
    "fullwidth_digits": (r_fullwidth, None),
    "mixed_width_digits": (r_mixed_width, None),
    "zero_width_chars": (r_zero_width, None),
    "other_invisible_chars": (r_other_invisible, None),
    "unicode_space_groups": (r_unicode_spaces, None),
    "mixed_arabic_chinese": (r_mixed_ar_cn, None),
    "spoken_with_fillers": (r_spoken_fillers, None),
    "spoken_dash_gang": (r_spoken_dash, None),
    "hyphen_3_4_4": (r_hyphen_344, "mobile"),
    "spaced_hyphen": (r_spaced_hyphen, None),
    "mixed_separators": (r_mixed_sep, None),
    "in_brackets_quotes": (r_brackets, None),
    "mobile_country_prefix": (r_mobile_prefix, "mobile"),
    "readback_twice": (r_repeat_confirm, None),
    "cn_mixed_zero_forms": (r_lowercase_cn_mixed_zero, None),
}

# ---------------------------------------------------------------- carrier sentences (positives)
T_CARD = [
    "客户来电称卡号{N}的借记卡被ATM吞卡，已登记。",
    "持卡人报卡号{N}，要求办理临时挂失。",
    "核实卡号：{N}，户名与预留信息一致。",
    "客户反映尾号不对，重新报了完整卡号{N}，请后台核查。",
    "信用卡{N}本期账单有一笔境外消费客户不认。",
    "客户说他那张{N}的卡昨天在商户被拒了。",
    "副卡卡号为{N}，境外交易被风控拦截，已逐笔核对。",
    "客户要求把自动还款卡换成{N}。",
    "（转账未到账）收款卡号{N}，客户称对方没收到。",
    "备注：{N} 积分兑换洗车权益失败，客户情绪激动。",
    "{N}这张卡客户说不是本人办的。",
    "客户手里两张卡，其中{N}要销户。",
    "银行卡{N}被冻结，客户要求说明原因。",
    "吞卡登记 卡号{N} 网点：浦东大道支行",
]
T_ID = [
    "客户身份证号{N}，核实通过。",
    "证件号码：{N}（客户本人口述）",
    "客户说身份证是{N}，系统里预留的不一致，未通过核身。",
    "代办人提供的证件号{N}，已提醒需本人到场办理。",
    "征信异议：客户称贷款不是本人办理，身份证{N}被冒用。",
    "客户母亲的身份证{N}，客户代为来电询问，已婉拒。",
    "{N}是客户报的，要求查名下有几张卡。",
    "客户报了一串{N}，说是她的证件号，让我们帮忙查额度。",
    "身份证号码{N}与姓名不匹配，请客户核对后再来电。",
    "开户证件{N}已过有效期，提醒客户去网点更新。",
]
T_ID15 = [
    "老身份证号码{N}，客户说一直没换二代证。",
    "客户报的是一代证号{N}，十五位的。",
    "系统里留的还是旧证件号{N}，需要客户到柜台更新。",
]
T_MOB = [
    "客户手机{N}，要求改绑。",
    "联系电话：{N}，下午三点后方便接听。",
    "客户说预留手机{N}已经停机了，收不到验证码。",
    "请回拨{N}，客户在开会。",
    "外呼{N}无人接听，稍后再拨。",
    "客户新号码{N}，旧号码已注销。",
    "营销短信退订：号码{N}要求不再发送。",
    "副卡持卡人（客户女儿）电话{N}，人在国外。",
    "客户说骗子用{N}给他打电话冒充客服。",
    "{N}打过来三次了，都是问同一笔退款。",
    "取卡通知已发送至{N}，提醒当场解挂。",
    "客户儿子的手机号{N}，同意作为紧急联系人。",
]
T_ANY = [
    "客户报的号码是{N}，我复述了一遍客户确认无误。",
    "【待跟进】{N} 明天上午回访。",
    "记一下：{N}",
    "客户：对，就是{N}，没错。",
    "坐席复述：{N}，请问对吗？",
    "{N}",
    "客户情绪很急，连说了两遍{N}。",
    "号码{N}（客户口述，可能有误）",
    "客户在微信上发给我们的截图里是{N}。",
    "转二线：{N}，客户要求今天给答复。",
]
T_ASR = {
    "card": ["嗯那个我卡号是{N}你帮我查一下", "我那个卡{N}怎么又被冻了", "就是那个{N}的卡今天早上在ATM机上被吞了",
             "你记一下我的卡号啊{N}"],
    "id": ["我身份证号码是{N}", "身份证{N}名字叫王建国", "呃证件号{N}你再核一下"],
    "mobile": ["我手机号{N}你们打这个就行", "你们给我发短信到{N}上面", "客户说他电话是{N}", "那你打我电话吧{N}"],
    "any": ["对对对就是{N}这个", "你记一下啊{N}", "我报一下啊{N}你听清楚了吗", "呃号码是{N}然后我名字你那有"],
}
T_MULTI = [
    ("客户身份证{ID}，手机{M}，卡号{C}，三要素核对一致。", ["id", "mobile", "card"]),
    ("卡号{C}，联系电话{M}，客户要求尽快回电。", ["card", "mobile"]),
    ("我身份证{ID}手机{M}你帮我查一下", ["id", "mobile"]),
    ("客户用{M}来电，称{C}被盗刷。", ["mobile", "card"]),
    ("证件：{ID}；预留手机：{M}", ["id", "mobile"]),
]
T_SPLIT = [
    "[00:02:13] 客户：我{L}是{A}\n[00:02:16] 客户：{B}",
    "客户：嗯，{A}\n客户：{B}，对。",
    "客户：号码是{A}\n坐席：嗯您继续\n客户：{B}",
    "[01:15] 客户：{A}\n[01:18] 客户：{B}就这个",
    "客户：{L}{A}\n客户：{B}",
    "spk1: {A}\nspk1: {B}",
]
ASR_FILLERS = ["嗯", "呃", "那个", "就是", "然后", "对", "啊"]

# ---------------------------------------------------------------- positive generation

def pick_number(kind_req):
    if kind_req == "idx":
        return make_id(want_x=True), "id"
    if kind_req == "mobile":
        return make_mobile(), "mobile"
    k = rng.choice(["card", "card", "id", "mobile", "mobile"])
    if k == "card":
        return make_card(unusual=rng.random() < 0.2), "card"
    if k == "id":
        if rng.random() < 0.18:
            return make_id15(), "id"
        return make_id(want_x=True if rng.random() < 0.15 else None), "id"
    return make_mobile(), "mobile"


def carrier(kind, num):
    if kind == "id" and len(num) == 15 and rng.random() < 0.6:
        return rng.choice(T_ID15)
    pool = {"card": T_CARD, "id": T_ID, "mobile": T_MOB}[kind] + T_ANY
    return rng.choice(pool)


def asr_strip(s):
    for ch in "，。、：；！？（）【】“”,.:;!?()":
        s = s.replace(ch, "")
    return s.replace("您", "你")


def positives(target):
    out = []
    styles = list(RENDER.keys()) + ["asr_no_punct_cn", "asr_no_punct_arabic", "split_segments",
                                    "multi_pii", "no_label_bare", "glued_both_sides",
                                    "asr_multi_fillers_inside"]
    i = 0
    while len(out) < target:
        st = styles[i % len(styles)]
        i += 1
        if st in RENDER:
            fn, req = RENDER[st]
            num, kind = pick_number(req)
            frag = fn(num, kind)
            text = carrier(kind, num).replace("{N}", frag)
            out.append({"text": text, "pii": [{"digits": num, "kind": kind}], "style": st})
        elif st in ("asr_no_punct_cn", "asr_no_punct_arabic"):
            num, kind = pick_number(None)
            if st == "asr_no_punct_cn":
                frag = rng.choice([to_cn(num, yao=True, zero=rng.choice(["零", "洞"]), x="叉"),
                                   " ".join(to_cn(g, yao=True) for g in groups(num, kind))])
            else:
                frag = rng.choice([num, " ".join(groups(num, kind))])
            t = rng.choice(T_ASR[kind] + T_ASR["any"])
            text = rng.choice(ASR_FILLERS) + t.replace("{N}", frag)
            out.append({"text": asr_strip(text), "pii": [{"digits": num, "kind": kind}], "style": st})
        elif st == "asr_multi_fillers_inside":
            num, kind = pick_number(None)
            gs = groups(num, kind)
            frag = gs[0]
            for g in gs[1:]:
                frag += rng.choice(["嗯", "呃", "然后", "对", "那个"]) + g
            if rng.random() < 0.5:
                frag = "".join(cn_digit(c, yao=True) if c.isdigit() else c for c in frag)
            t = rng.choice(T_ASR[kind] + T_ASR["any"])
            out.append({"text": t.replace("{N}", frag), "pii": [{"digits": num, "kind": kind}], "style": st})
        elif st == "split_segments":
            num, kind = pick_number(None)
            gs = groups(num, kind)
            cut = rng.randint(1, len(gs) - 1)
            mode = rng.choice(["plain", "space", "cn"])
            if mode == "plain":
                a, b = "".join(gs[:cut]), "".join(gs[cut:])
            elif mode == "space":
                a, b = " ".join(gs[:cut]), " ".join(gs[cut:])
            else:
                a, b = to_cn("".join(gs[:cut]), yao=True), to_cn("".join(gs[cut:]), yao=True)
            lab = {"card": rng.choice(["卡号", "银行卡号"]), "id": rng.choice(["身份证", "证件号"]),
                   "mobile": rng.choice(["手机号", "电话"])}[kind]
            text = rng.choice(T_SPLIT).replace("{L}", lab).replace("{A}", a).replace("{B}", b)
            out.append({"text": text, "pii": [{"digits": num, "kind": kind}], "style": st})
        elif st == "multi_pii":
            tpl, kinds = rng.choice(T_MULTI)
            pii = []
            text = tpl
            for k in kinds:
                if k == "card":
                    n = make_card(); text = text.replace("{C}", rng.choice([n, r_space(n, k)]))
                elif k == "id":
                    n = make_id(); text = text.replace("{ID}", rng.choice([n, r_space(n, k), r_cn(n, k)]))
                else:
                    n = make_mobile(); text = text.replace("{M}", rng.choice([n, r_hyphen(n, k), r_yao_liang(n, k)]))
                pii.append({"digits": n, "kind": k})
            out.append({"text": text, "pii": pii, "style": st})
        elif st == "no_label_bare":
            num, kind = pick_number(None)
            frag = rng.choice([num, r_space(num, kind)])
            text = rng.choice(["{N}", "{N} 明早回电", "回访 {N}", "{N}，已处理", "见{N}", "{N}？", "→{N}",
                               "- {N}", "#{N}", "{N} / 张女士"]).replace("{N}", frag)
            out.append({"text": text, "pii": [{"digits": num, "kind": kind}], "style": st})
        elif st == "glued_both_sides":
            num, kind = pick_number(None)
            text = rng.choice(["客户说{N}打不通", "用{N}登录失败", "王先生{N}要求回电", "已核{N}无误",
                               "客户把{N}报成了别的", "李女士{N}张先生代办", "老人拿着{N}来问"]).replace("{N}", num)
            out.append({"text": text, "pii": [{"digits": num, "kind": kind}], "style": st})
    return out


# ---------------------------------------------------------------- negatives

def rdig(n, first=None):
    s = first or ""
    while len(s) < n:
        s += rng.choice("0123456789")
    return s


def looks_like_pii(s):
    """True if a plain digit string would legitimately be a card/ID/mobile."""
    if len(s) == 11 and s[0] == "1" and s[1] in "3456789":
        return True
    if len(s) == 18 and id_ok(s):
        return True
    if len(s) == 15 and s[:2] in {r[:2] for r in REGIONS}:
        try:
            datetime.date(1900 + int(s[6:8]), int(s[8:10]), int(s[10:12]))
            return True
        except ValueError:
            pass
    return False


def ref_number():
    kind = rng.random()
    if kind < 0.25:      # 11 digits starting 13-19 -> mobile-looking, but labelled as a reference
        return rng.choice(MOBILE_PRE) + rdig(8)
    if kind < 0.5:       # Luhn-valid 16-19 digits
        n = rng.randint(16, 19)
        while True:
            body = rdig(n - 1, rng.choice(["2026", "10", "88", "62", "4", "9"]))
            full = body + luhn_check_digit(body)
            if not looks_like_pii(full):
                return full
    while True:
        n = rng.randint(10, 20)
        s = rdig(n, rng.choice(["2026", "2025", "0", "9", "1", "3", "7"]))
        if looks_like_pii(s):
            continue
        return s


def non_luhn_card_like():
    pre, ln = rng.choice(CARD_BINS)
    body = pre + rdig(ln - len(pre) - 1)
    good = luhn_check_digit(body)
    bad = str((int(good) + rng.randint(1, 9)) % 10)
    return body + bad


REF_LABELS = ["工单号", "流水号", "订单号", "参考号", "编号", "工单号码", "流水号码", "单据号", "凭条号码",
              "交易参考号", "受理编号", "投诉单号", "案件编号", "批次号", "快递单号", "合同编号"]


def cn_amount(n):
    units = ["", "十", "百", "千"]
    def four(x):
        s = ""
        zero = False
        for i in range(3, -1, -1):
            d = (x // 10 ** i) % 10
            if d == 0:
                zero = bool(s)
            else:
                if zero:
                    s += "零"; zero = False
                s += ("两" if d == 2 and i >= 2 and rng.random() < 0.5 else CN[str(d)]) + units[i]
        return s
    if n >= 10000:
        hi, lo = divmod(n, 10000)
        s = four(hi) + "万"
        if lo:
            s += ("零" if lo < 1000 else "") + four(lo)
        return s
    return four(n)


def cap_amount(n):
    s = cn_amount(n)
    tr = {"一": "壹", "二": "贰", "两": "贰", "三": "叁", "四": "肆", "五": "伍", "六": "陆", "七": "柒",
          "八": "捌", "九": "玖", "十": "拾", "百": "佰", "千": "仟", "万": "万", "零": "零"}
    return "".join(tr.get(c, c) for c in s)


def money():
    return rng.choice([
        "%d元" % rng.randint(1, 200000),
        "{:,}.{:02d}".format(rng.randint(1000, 9999999), rng.randint(0, 99)),
        "%d.%02d元" % (rng.randint(0, 99999), rng.randint(0, 99)),
        cn_amount(rng.randint(11, 99999)) + "元",
        "¥" + "{:,}".format(rng.randint(100, 5000000)),
        "RMB %d" % rng.randint(100, 90000),
    ])


def date_str():
    d = rand_date(2019, 2027)
    return rng.choice([
        "%d年%d月%d日" % (d.year, d.month, d.day),
        d.strftime("%Y%m%d"),
        d.strftime("%Y-%m-%d"),
        d.strftime("%Y/%m/%d"),
        to_cn(str(d.year), zero="〇") + "年" + cn_amount(d.month) + "月" + cn_amount(d.day) + "日",
        d.strftime("%Y-%m-%d ") + "%02d:%02d:%02d" % (rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)),
        non_luhn(d.strftime("%Y%m%d") + "%02d%02d%02d" % (rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59))),
    ])


def non_luhn(s):
    """14-digit timestamps: drop seconds' last digit change so they never pass Luhn (avoid ambiguity)."""
    while luhn_ok(s):
        s = s[:-1] + str((int(s[-1]) + 1) % 6)
    return s


HOTLINES = ["95588", "95599", "95533", "95566", "95555", "95559", "95528", "95561", "95568", "95595",
            "95508", "95577", "95580", "400-820-8888", "400 669 5566", "4008205588", "400-699-9999",
            "12378", "96110", "12363", "12315", "110", "12345", "800-820-8788", "95511", "10086", "10010"]
LANDLINES = ["010-" + "%04d %04d", "021-%04d%04d", "0755-%04d%04d", "020%04d%04d", "(028)%04d-%04d",
             "0571-%04d%04d", "010%04d%04d"]


def landline():
    return rng.choice(LANDLINES) % (rng.randint(2000, 8999), rng.randint(0, 9999))


NEG = [
    # (style, template function)
    ("amount", lambda: "客户本月账单应还%s，最低还款%s。" % (money(), money())),
    ("amount", lambda: "客户说卡里少了%s，要求查明去向。" % money()),
    ("amount", lambda: "转账%s未到账，已提交查询。" % money()),
    ("amount_cn", lambda: "客户说存了%s元进去，ATM吞了%s元。" % (cn_amount(rng.randint(100, 99999)), cn_amount(rng.randint(100, 9999)))),
    ("amount_cn", lambda: "理财亏了大概%s，客户要求保本。" % (cn_amount(rng.randint(1000, 999999)) + "块")),
    ("amount_capitals", lambda: "凭条大写金额：%s元整。" % cap_amount(rng.randint(1000, 99999999))),
    ("amount_big", lambda: "客户资产总额{:,}.{:02d}元，符合白金卡标准。".format(rng.randint(1000000, 99999999), rng.randint(0, 99))),
    ("amount_plain_long", lambda: "账户余额%d.%02d" % (rng.randint(10000, 9999999999), rng.randint(0, 99))),
    ("date", lambda: "交易时间%s，客户称当时不在本地。" % date_str()),
    ("date", lambda: "客户%s在网点办的卡，%s收到的短信。" % (date_str(), date_str())),
    ("date_cn", lambda: "客户说%s那天就去过网点了。" % date_str()),
    ("date_range", lambda: "活动时间%s至%s，客户已过期。" % (date_str(), date_str())),
    ("time", lambda: "约定%d点%d分回电，客户%d:%02d前在开会。" % (rng.randint(8, 20), rng.choice([0, 15, 30, 45]), rng.randint(8, 20), rng.randint(0, 59))),
    ("count_cn", lambda: "客户刷了%s次都失败，分%s期还款。" % (rng.choice(["三", "两", "五", "十几", "七八"]), rng.choice(["三", "六", "十二", "二十四", "三十六"]))),
    ("count_cn", lambda: "第一次第二次都没接，第%s次才接通，客户说%s号去的网点。" % (rng.choice(["三", "四", "五"]), cn_amount(rng.randint(1, 31)))),
    ("count_cn", lambda: "年费%s元，客户说去年已经刷满%s次可以免。" % (rng.choice(["二百", "两百", "三百六十", "一千八", "六百"]), rng.choice(["六", "五", "十二", "十八"]))),
    ("count_cn", lambda: "客户打了%s个电话，排队等了%s分钟。" % (rng.choice(["七八", "十几", "五六", "二十来"]), rng.choice(["四十", "半个小时", "二十五", "一百"]))),
    ("hotline", lambda: "已告知客户可拨打%s查询，或关注官方公众号。" % rng.choice(HOTLINES)),
    ("hotline", lambda: "客户说接到%s来电，提醒客户核实官方号码%s。" % (rng.choice(["95588", "400-820-8888", "96110"]), rng.choice(HOTLINES))),
    ("hotline", lambda: "如需投诉可拨打%s，反诈咨询%s。" % (rng.choice(["12378", "12363", "12315"]), "96110")),
    ("landline", lambda: "客户单位座机%s，工作日可联系。" % landline()),
    ("landline", lambda: "网点电话%s，地址已短信发送。" % landline()),
    ("otp", lambda: "客户把验证码%s告诉了对方，已提醒不要泄露。" % rdig(6)),
    ("otp", lambda: "动态码 %s 已失效，客户要求重发。" % rdig(rng.choice([4, 6]))),
    ("ref_labeled", lambda: "%s%s，请二线跟进。" % (rng.choice(REF_LABELS), ref_number())),
    ("ref_labeled", lambda: "已生成%s：%s，承诺两个工作日内回复。" % (rng.choice(REF_LABELS), ref_number())),
    ("ref_labeled", lambda: "客户报%s %s，查询无记录。" % (rng.choice(REF_LABELS), ref_number())),
    ("ref_labeled", lambda: "（%s %s）客户催办第二次。" % (rng.choice(REF_LABELS), ref_number())),
    ("ref_labeled_mobile_like", lambda: "订单号%s，客户说商户没发货。" % (rng.choice(MOBILE_PRE) + rdig(8))),
    ("ref_labeled_mobile_like", lambda: "%s：%s（十一位）" % (rng.choice(["流水号", "工单号", "订单号码", "单据号"]), rng.choice(MOBILE_PRE) + rdig(8))),
    ("ref_labeled_luhn", lambda: "交易参考号%s，客户要求调单。" % make_card()),
    ("ref_labeled_luhn", lambda: "%s %s 已转风控。" % (rng.choice(["流水号", "凭条号码", "单据号"]), make_card(unusual=True))),
    ("non_luhn_card_like", lambda: "%s%s，与客户无关，系统自动生成。" % (rng.choice(["合同编号", "批次号", "流水号", "业务编号"]), non_luhn_card_like())),
    ("atm_branch", lambda: "ATM编号%s，位于%s网点，吞卡时间%s。" % (rdig(rng.choice([6, 8, 9]), "3"), rng.choice(["徐汇", "天河", "朝阳", "南山"]), date_str())),
    ("atm_branch", lambda: "网点号%s，柜员号%s，客户说柜员态度不好。" % (rdig(5, "0"), rdig(7, "8"))),
    ("atm_branch", lambda: "坐席工号%s，转接至分机%s。" % (rdig(5, "8"), rdig(4))),
    ("postal", lambda: "邮寄地址邮编%s，新卡三到五个工作日寄达。" % rng.choice(["100000", "200120", "518000", "510623", "310012", "610041", "430000", "300070"])),
    ("year", lambda: "客户%s年办的卡，%s年以后就没用过。" % (rng.randint(2003, 2020), rng.randint(2015, 2025))),
    ("percent", lambda: "年化收益率%.2f%%，客户以为是保本的，实际亏损%.1f%%。" % (rng.uniform(1, 6), rng.uniform(1, 20))),
    ("interest_rate", lambda: "房贷利率由%.2f%%调整为LPR减%d个基点，即%.2f%%。" % (rng.uniform(4, 6), rng.choice([20, 30, 45]), rng.uniform(3, 4))),
    ("interest_rate", lambda: "分期手续费率每期%.2f%%，折合年化约%.1f%%。" % (rng.uniform(0.5, 0.9), rng.uniform(10, 18))),
    ("tail4", lambda: "客户尾号%s的卡被吞，已登记。" % rdig(4)),
    ("tail4", lambda: "手机尾号%s，卡尾号%s，客户本人确认。" % (rdig(4), rdig(4))),
    ("tail4", lambda: "尾号%s那笔%s的消费客户不认。" % (rdig(4), money())),
    ("masked_already", lambda: "卡号%s%s%s，已掩码。" % (rng.choice(["622848", "438088", "621700"]), rng.choice(["******", "*********", "** **** ***"]), rdig(4))),
    ("masked_already", lambda: "手机%s****%s，客户确认是本人。" % (rng.choice(MOBILE_PRE), rdig(4))),
    ("masked_already", lambda: "身份证%s********%s，核身通过。" % (rng.choice(REGIONS), rdig(3) + rng.choice("0123456789X"))),
    ("points", lambda: "客户积分%s分，兑换需要%s分加%d元。" % ("{:,}".format(rng.randint(1000, 900000)), rdig(5, "1"), rng.randint(5, 99))),
    ("quantity", lambda: "客户持有基金%.2f份，净值%.4f。" % (rng.uniform(100, 99999), rng.uniform(0.5, 3))),
    ("exchange_rate", lambda: "当日美元汇率%.4f，客户境外消费%d美元。" % (rng.uniform(6.8, 7.4), rng.randint(10, 9000))),
    ("limit", lambda: "额度由%d调到%d，客户不满。" % (rng.choice([50000, 80000, 30000, 100000]), rng.choice([20000, 10000, 5000]))),
    ("chinese_numbers", lambda: "客户说%s年%s月就开始逾期了，一共%s次。" % (to_cn(str(rng.randint(2018, 2025)), zero="〇"), cn_amount(rng.randint(1, 12)), rng.choice(["十", "十来", "九"]))),
    ("asr_amount", lambda: "嗯我就是想问一下我那个%s块钱怎么还没到" % cn_amount(rng.randint(100, 99999))),
    ("asr_count", lambda: "我都打了%s遍了你们一直让我等%s分钟" % (rng.choice(["三", "五六", "十几"]), rng.choice(["二十", "三十", "四十五"]))),
    ("asr_date", lambda: "我%s号那天去的那个%s支行" % (cn_amount(rng.randint(1, 31)), rng.choice(["人民路", "解放路", "中山路"]))),
    ("asr_hotline", lambda: "我打的就是你们%s啊不是别的号码" % rng.choice(["九五五八八", "95588", "九五五九九", "四零零八二零八八八八"])),
    ("address_number", lambda: "客户地址：%s路%d号%d栋%d室。" % (rng.choice(["中山", "人民", "解放", "建设"]), rng.randint(1, 999), rng.randint(1, 30), rng.randint(101, 3208))),
    ("id_like_invalid", lambda: "档案号%s，系统备查。" % bad_id()),
    ("version_ip", lambda: "客户手机银行版本%d.%d.%d，系统%s。" % (rng.randint(5, 9), rng.randint(0, 9), rng.randint(0, 20), rng.choice(["iOS 17.4", "鸿蒙4.2", "Android 14"]))),
    ("plate_model", lambda: "客户车牌沪A%s，车主卡洗车权益用了%d次。" % (rdig(5), rng.randint(1, 12))),
    ("ranking", lambda: "排队人数%d，预计等待%d分钟，满意度%d分。" % (rng.randint(1, 300), rng.randint(1, 60), rng.randint(1, 10))),
]


def bad_id():
    """18 digits with ID-like region+birth date but WRONG checksum, and not Luhn-valid either."""
    while True:
        s = rng.choice(REGIONS) + rand_date(1950, 2000).strftime("%Y%m%d") + rdig(4)
        if not id_ok(s) and not luhn_ok(s):
            return s


def negatives(target):
    out = []
    i = 0
    while len(out) < target:
        st, fn = NEG[i % len(NEG)]
        i += 1
        out.append({"text": fn(), "pii": [], "style": st})
    return out


def main():
    seen = set()

    def dedup(lst, n):
        kept = []
        for r in lst:
            if r["text"] in seen:
                continue
            seen.add(r["text"])
            kept.append(r)
            if len(kept) == n:
                break
        return kept

    rows = dedup(positives(3200), 3000) + dedup(negatives(4200), 3000)
    # sanity: every positive number valid
    for r in rows:
        for p in r["pii"]:
            d = p["digits"]
            if p["kind"] == "card":
                assert d.isdigit() and 13 <= len(d) <= 19 and luhn_ok(d), d
            elif p["kind"] == "id":
                assert (len(d) == 18 and id_ok(d)) or (len(d) == 15 and d.isdigit()), d
            else:
                assert len(d) == 11 and d[0] == "1" and d[1] in "3456789", d
    rng.shuffle(rows)
    with open(OUT, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    npos = sum(1 for r in rows if r["pii"])
    print("wrote", len(rows), "rows:", npos, "positives,", len(rows) - npos, "negatives")
    print("positive styles:", len({r["style"] for r in rows if r["pii"]}))
    print("negative styles:", len({r["style"] for r in rows if not r["pii"]}))


if __name__ == "__main__":
    main()
