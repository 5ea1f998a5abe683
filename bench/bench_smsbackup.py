"""Import a generated SMS Backup & Restore XML (time, peak memory) beside a plain lxml iterparse pass
over the same file (clearing each element: the least any streaming reader must do).

Size: BENCH_SMS_MESSAGES, by default the issue's 2,000,000 messages (842 MB here; targets 40 s and
300 MB at 1 GB on the 2-core reference machine); the seconds are also printed scaled linearly to
1 GB so the figure can be read against the target. The import runs as the CLI does, in a child
process whose peak resident memory is measured.
The file mixes SMS (Chinese collection texts with emoji as surrogate references, `&#10;` newlines,
"null" values), group sends with `~` addresses and MMS with text parts, from a few thousand numbers.
"""

from __future__ import annotations

import os
import random
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import line, measure, out_dir, python  # noqa: E402

N = int(os.environ.get("BENCH_SMS_MESSAGES", "2000000"))
# With BENCH_SMS_DISTINCT=1 every text differs (a code and a word appended), as in a real backup,
# where amounts, codes and names make most texts unique: labelling then costs per message, not per
# template (the default file has about 27,000 distinct texts).
DISTINCT = os.environ.get("BENCH_SMS_DISTINCT") == "1"
WORDS = ["订单", "验证码", "快递", "会议", "周末", "晚饭", "工资", "房租", "医院", "学校", "航班", "优惠"]

TEXTS = [
    "【某某贷】尊敬的客户，您的借款已逾期{d}天，应还金额{a}元，请于今日内还款，否则将影响您的征信。&#10;退订回T",
    "再不还钱我们就联系你的通讯录好友和单位领导，让所有人都知道你是老赖！&#55357;&#56864;",
    "你好，我是{a}号调解员，你的案件已提交法务部，明天上门核实地址，请保持电话畅通。&#10;&#10;法务部",
    "妈，我手机没电了，晚点给你回电话。",
    "Your payment of {a} is overdue by {d} days. Call us back today or we will escalate the account.",
]


def make_file(path: Path) -> None:
    rnd = random.Random(3)
    numbers = [f"+86171{rnd.randrange(10**8):08d}" for _ in range(3000)] + [f"10690{rnd.randrange(10**8):08d}" for _ in range(200)]
    t0 = 1_700_000_000_000
    with open(path, "w", encoding="utf-8") as f:
        f.write("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
                "<!--File Created By SMS Backup & Restore v10.20.002 on 01/11/2026 10:00:00-->\n"
                f'<smses count="{N}" backup_set="00000000-0000-0000-0000-000000000000" backup_date="{t0}" type="full">\n')
        buf = []
        for i in range(N):
            date = t0 + i * 1500 + rnd.randrange(1000)
            addr = rnd.choice(numbers)
            body = rnd.choice(TEXTS).format(d=i % 90, a=1000 + i % 9000)
            if DISTINCT:
                body += f" {rnd.choice(WORDS)}{i:07d}"
            if i % 50 == 49:  # an MMS with a SMIL and a text part
                buf.append(
                    f'  <mms date="{date}" rr="129" sub="null" ct_t="application/vnd.wap.multipart.related" read_status="null" '
                    f'seen="1" msg_box="1" address="{addr}" sub_cs="null" resp_st="null" retr_st="null" d_tm="null" '
                    f'text_only="1" exp="null" locked="0" m_id="m{i}" st="null" retr_txt_cs="null" retr_txt="null" creator="com.android.mms" '
                    f'date_sent="{date // 1000}" read="1" m_size="{len(body)}" rpt_a="null" ct_cls="null" pri="129" sub_id="1" tr_id="t{i}" '
                    f'resp_txt="null" ct_l="null" m_cls="personal" d_rpt="129" v="18" _id="{i}" m_type="132" readable_date="x" contact_name="(Unknown)">\n'
                    '    <parts>\n      <part seq="-1" ct="application/smil" name="null" chset="null" cd="null" fn="null" cid="&lt;smil&gt;" '
                    'cl="smil.xml" ctt_s="null" ctt_t="null" text="&lt;smil&gt;&lt;body&gt;&lt;par dur=&quot;5000ms&quot;&gt;&lt;text src=&quot;text_0.txt&quot;/&gt;&lt;/par&gt;&lt;/body&gt;&lt;/smil&gt;" />\n'
                    f'      <part seq="0" ct="text/plain" name="null" chset="106" cd="null" fn="null" cid="&lt;text_0&gt;" cl="text_0.txt" ctt_s="null" ctt_t="null" text="{body}" />\n'
                    f'    </parts>\n    <addrs>\n      <addr address="{addr}" type="137" charset="106" />\n'
                    '      <addr address="+8613800000001" type="151" charset="106" />\n    </addrs>\n  </mms>\n')
            else:
                box = 2 if i % 7 == 0 else 1
                if box == 2 and i % 70 == 0:
                    addr = f"{addr}~{rnd.choice(numbers)}"
                buf.append(
                    f'  <sms protocol="0" address="{addr}" date="{date}" type="{box}" subject="null" body="{body}" '
                    f'toa="null" sc_toa="null" service_center="{"null" if box == 2 else "+8613800100500"}" read="1" status="-1" '
                    f'locked="0" date_sent="{0 if box == 2 else date - 900}" sub_id="1" readable_date="2023年11月15日 06:13:20" '
                    f'contact_name="(Unknown)" />\n')
            if len(buf) >= 10000:
                f.write("".join(buf))
                buf.clear()
        f.write("".join(buf))
        f.write("</smses>\n")


BASELINE = """import sys
from lxml import etree
n = 0
for _, e in etree.iterparse(sys.argv[1], events=("end",), tag=("sms", "mms"), resolve_entities=False, no_network=True,
                              recover=True):  # recover: plain lxml stops at the surrogate references
    n += len(e.attrib)
    e.clear()
    while e.getprevious() is not None:
        del e.getparent()[0]
print(n)
"""


def main() -> None:
    out = out_dir()
    src = out / f"smsbackup-{N}{'-distinct' if DISTINCT else ''}.xml"
    if not src.exists():
        make_file(src)
    mb = src.stat().st_size / 1e6
    print(f"{N:,} messages, {mb:.0f} MB" + (", every text distinct" if DISTINCT else ""))
    base_s, base_mb = measure(python("-c", BASELINE, str(src)))
    case = out / "smsbackup-case"
    shutil.rmtree(case, ignore_errors=True)
    measure(python("-m", "dunwatch", "case", "init", str(case)))
    s, peak = measure(python("-m", "dunwatch", "import", str(case), str(src)))
    line("import SMS Backup XML: seconds", s, "s", base_s, "lxml iterparse", target="<= 40 s at 1 GB")
    line("import SMS Backup XML: peak memory", peak, "MB", base_mb, "lxml iterparse", target="<= 300 MB")
    line("import SMS Backup XML: seconds scaled to 1 GB", s * 1000 / mb, "s", base_s * 1000 / mb, "lxml iterparse",
         target="<= 40 s")
    line("import SMS Backup XML: messages per second", N / s, "msg/s")
    line("import SMS Backup XML: MB per second", mb / s, "MB/s", mb / base_s, "lxml iterparse")
    shutil.rmtree(case, ignore_errors=True)


if __name__ == "__main__":
    main()
