"""Benchmark ``nianbao server run``: N offices log in and upload their workbook at the same moment.

    .venv/bin/python bench/bench_server.py [-n 50] [--threads 8] [--db postgresql://… | --postgres]

Sets up a data folder with ``nianbao server init`` and ``roster`` (N offices), starts the server, has
every office change its one-time password, then releases N threads at once, each logging in and
uploading its own workbook (the example with the office's name; a real .xlsx).  Prints submissions a
second (N / the wall time from the release to the last answer), the latency of the uploads (median,
p95, max) and of the logins, then checks that nothing was lost or mixed up: each office has exactly one
submission, and it is the workbook with its own name."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from server.conftest import free_port  # noqa: E402
from server.live import ADMIN_PASSWORD, Client  # noqa: E402


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def workbooks(folder: Path, names: list[str]) -> list[Path]:
    import openpyxl

    from compiler import format2021 as fmt
    slot = fmt.SLOTS_BY_PATH[("office", "name")]
    out = []
    for n, name in enumerate(names):
        wb = openpyxl.load_workbook(ROOT / "excel_templates" / "example-yongkang-2021.xlsx")
        wb[slot.sheet][slot.address] = name
        path = folder / f"{n:03d}.xlsx"
        wb.save(path)
        out.append(path)
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=50)
    parser.add_argument("--threads", type=int, default=8, help="the server's --threads")
    parser.add_argument("--db", default="", help="a database URL (default: SQLite in the data folder)")
    parser.add_argument("--postgres", action="store_true",
                        help="start a throwaway PostgreSQL cluster (as the tests do)")
    args = parser.parse_args()
    cluster = None
    if args.postgres:
        from server.conftest import PostgresCluster
        cluster = PostgresCluster(durable=True)
        args.db = cluster.url
    work = Path(tempfile.mkdtemp(prefix="bench-server-"))
    try:
        return run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if cluster is not None:
            cluster.stop()


def run(args, work: Path) -> int:
    from compiler.cli import main as nianbao

    names = [f"沙坡头区测试机关{n:03d}" for n in range(args.n)]
    (work / "pw.txt").write_text(ADMIN_PASSWORD + "\n", encoding="utf-8")
    folder = work / "dir"
    init = ["server", "init", str(folder), "--area", "沙坡头区", "--year", "2021", "--admin", "gkb",
            "--admin-password-file", str(work / "pw.txt")] + (["--db", args.db] if args.db else [])
    assert nianbao(init) == 0
    (work / "名单.csv").write_text("机关名称,联系人,邮箱\n" + "".join(f"{n},联系人,\n" for n in names), encoding="utf-8")
    out = work / "accounts.json"
    with open(out, "w", encoding="utf-8") as fh:
        done = subprocess.run([sys.executable, "-m", "compiler", "server", "roster", str(folder), str(work / "名单.csv"),
                               "--format", "json"], stdout=fh, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0
    accounts = json.loads(out.read_text(encoding="utf-8"))
    files = workbooks(work, names)

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "compiler", "server", "run", str(folder), "--port", str(port),
                             "--threads", str(args.threads)], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert "已启动" in proc.stdout.readline()
    base = f"http://127.0.0.1:{port}"
    try:
        clients = []
        for account in accounts:  # every office has set its own password before the day
            c = Client(base)
            c.login(account["username"], account["password"])
            status, body = c.json("POST", "/api/password", {"old": account["password"], "new": "bench-password-1"})
            assert status == 200, body
            clients.append(Client(base, timeout=600))
        logins: list[float] = []
        uploads: list[float] = []
        answers: dict[int, int] = {}
        gate = threading.Barrier(len(accounts) + 1)

        def office(i: int) -> None:
            gate.wait()
            t0 = time.perf_counter()
            clients[i].login(accounts[i]["username"], "bench-password-1")
            t1 = time.perf_counter()
            status, _ = clients[i].upload(files[i].name, files[i].read_bytes())
            t2 = time.perf_counter()
            logins.append(t1 - t0)
            uploads.append(t2 - t1)
            answers[i] = status
        threads = [threading.Thread(target=office, args=(i,)) for i in range(len(accounts))]
        for t in threads:
            t.start()
        gate.wait()
        t0 = time.perf_counter()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0

        admin = Client(base)
        admin.login("gkb", ADMIN_PASSWORD)
        status, body = admin.call("GET", "/api/submissions")
        listed = json.loads(body)
        by_office: dict[str, list[dict]] = {}
        for s in listed:
            by_office.setdefault(s["office"], []).append(s)
        lost = [n for n in names if len(by_office.get(n, [])) != 1]
        mixed = [s["office"] for s in listed if s["report_office"] != s["office"]]
    finally:
        proc.terminate()
        proc.wait(timeout=30)

    print(f"{args.n} offices, server --threads {args.threads}, {args.db.split(':')[0] if args.db else 'sqlite'}")
    print(f"answers: {sorted(set(answers.values()))} (201 = stored)")
    print(f"wall time for all {args.n} logins + uploads: {wall:.2f} s → {args.n / wall:.1f} submissions/s")
    print(f"upload latency: median {statistics.median(uploads):.2f} s, p95 {p95(uploads):.2f} s, "
          f"max {max(uploads):.2f} s")
    print(f"login latency:  median {statistics.median(logins):.2f} s, p95 {p95(logins):.2f} s")
    print(f"lost or doubled: {lost or 'none'}; mixed up: {mixed or 'none'}")
    return 0 if not lost and not mixed and set(answers.values()) == {201} else 1


if __name__ == "__main__":
    sys.exit(main())
