#!/usr/bin/env python3
"""storydrill's import of an Anki plain-text file against Anki's own engine on the same file
(issue 13): N notes of Anki-sized content (a question and about 400 Chinese characters), into a
new database each run, alternating the two, median of `--runs`.

    python3 benches/anki_import.py [--notes 100000] [--runs 3]

storydrill is timed as a whole process (`storydrill import FILE` into a created, empty database);
Anki as its engine alone (`Collection.import_csv` in a process that has already started Python and
opened a new collection), which is what storydrill must beat by 1.5×. Needs Anki's Python package
(`pip install anki`); without it, it says so and times storydrill alone. Peak memory of each from
GNU time. Not part of the test suite.
"""
import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target/release/storydrill")
ENV = dict(os.environ, STORYDRILL_NOW="2027-01-04T09:30:00+08:00", TZ="Asia/Shanghai",
           NO_COLOR="1")
ENV.pop("STORYDRILL_DB", None)
PHRASES = ["我们用 Redis 做缓存", "按用户 ID 分库分表", "秒杀库存扣减", "支付回调重试",
           "订单状态机", "缓存穿透和雪崩", "连接池耗尽", "数据库主从分离", "接口响应变慢",
           "每天两千万请求", "幂等性设计", "消息队列削峰", "慢查询优化", "灰度发布和回滚"]

ANKI_RUN = r"""
import sys, time
from anki.collection import Collection
from anki.import_export_pb2 import ImportCsvRequest
col = Collection(sys.argv[1])
meta = col.get_csv_metadata(sys.argv[2], None)
t = time.perf_counter()
col.import_csv(ImportCsvRequest(path=sys.argv[2], metadata=meta))
print((time.perf_counter() - t) * 1000)
col.close()
"""


def write_file(path, notes):
    rng = random.Random(1)
    with open(path, "w", encoding="utf-8") as f:
        f.write("#separator:tab\n#html:true\n#guid column:1\n#notetype column:2\n#deck column:3\n"
                "#tags column:6\n")
        for i in range(notes):
            back = "，".join(rng.choice(PHRASES) for _ in range(50))[:400]
            front = f"{rng.choice(PHRASES)}，{rng.choice(PHRASES)}？{i}"
            f.write(f"bulk.{i}\tBasic\tbulk\t{front}\t{back}\tt{i % 100}\n")


def peak(cmd):
    out = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], env=ENV, capture_output=True,
                         check=True)
    return int(out.stderr.decode().strip().splitlines()[-1]) / 1024, out.stdout.decode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--notes", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "storydrill"], cwd=ROOT,
                   check=True)
    try:
        import anki  # noqa: F401
        have_anki = True
    except ImportError:
        have_anki = False
        print("Anki's Python package is not installed (pip install anki): timing storydrill alone")
    with tempfile.TemporaryDirectory() as tmp:
        file = os.path.join(tmp, "notes.txt")
        write_file(file, a.notes)
        size = os.path.getsize(file) / 1e6
        ours, theirs, our_peak, their_peak = [], [], 0.0, 0.0
        for run in range(a.runs):
            db = os.path.join(tmp, f"s{run}.db")
            subprocess.run([BIN, "--db", db, "decks"], env=ENV, capture_output=True, check=True)
            t = time.perf_counter()
            mb, _ = peak([BIN, "--db", db, "import", file])
            ours.append((time.perf_counter() - t) * 1000)
            our_peak = max(our_peak, mb)
            if have_anki:
                col = os.path.join(tmp, f"a{run}.anki2")
                mb, out = peak([sys.executable, "-c", ANKI_RUN, col, file])
                theirs.append(float(out.strip().splitlines()[-1]))
                their_peak = max(their_peak, mb)
        print(f"{a.notes} notes, {size:.0f} MB file, median of {a.runs} runs")
        print("| import | time | peak memory |")
        print("|---|---|---|")
        print(f"| storydrill (whole process) | {statistics.median(ours):.0f} ms | {our_peak:.0f} MB |")
        if have_anki:
            m = statistics.median(theirs)
            print(f"| Anki's engine (import_csv alone) | {m:.0f} ms | {their_peak:.0f} MB |")
            ratio = m / statistics.median(ours)
            print(f"storydrill is {ratio:.2f}× as fast as Anki's engine (target ≥ 1.5×)")


if __name__ == "__main__":
    main()
