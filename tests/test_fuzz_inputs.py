"""The fuzz run (issue 15): 10,000 mutated workbooks, JSON files and published reports per run, each read in
a worker process under a memory cap (RLIMIT_AS) and a time cap, with no traceback, no outcome other than
0/1/2 and no value changed without a message (tests/fuzz_inputs.py says how).

This is the one long test of the suite: about 4 minutes of CPU, 2 minutes on CI's two cores
(docs/reliability.md has the measured figures).  NIANBAO_FUZZ_INPUTS sets another size for a quick local
run; NIANBAO_FUZZ_START another series of mutants (the default is the same series on every run, so a
failure in CI is reproduced exactly by `python tests/fuzz_inputs.py -n … --start …`)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

import fuzz_inputs

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="resource.setrlimit is POSIX")


def test_ten_thousand_mutants_give_no_traceback_and_no_silent_change():
    n = int(os.environ.get("NIANBAO_FUZZ_INPUTS", "10000"))
    start = int(os.environ.get("NIANBAO_FUZZ_START", "0"))
    figures = fuzz_inputs.run(n, jobs=min(2, os.cpu_count() or 1), start=start)
    assert sum(figures["per_kind"].values()) == n
    assert all(figures["per_kind"][kind] for kind in fuzz_inputs.KINDS)
    assert figures["skipped"] < n // 100  # mutants the mutators could not make
    shown = "\n".join(f"{kind}-{number}: {problem}" for kind, number, problem in figures["failures"][:10])
    assert figures["failures"] == [], f"{len(figures['failures'])} failing inputs (python tests/fuzz_inputs.py " \
                                      f"-n {n} --start {start} --save writes them):\n{shown}"


CRASHES = sorted(fuzz_inputs.CRASHES.glob("*")) if fuzz_inputs.CRASHES.is_dir() else []


@pytest.mark.parametrize("path", CRASHES, ids=[p.name for p in CRASHES])
def test_every_input_the_fuzz_run_ever_broke_on_is_handled(path: Path):
    """The inputs that gave a traceback (or took minutes) before their fix (tests/data/fuzz/crashes),
    replayed in-process, a hang stopped by the same time cap as in the run."""
    import signal

    signal.signal(signal.SIGALRM, fuzz_inputs._too_slow)
    signal.alarm(fuzz_inputs.SECONDS_CAP)
    try:
        assert fuzz_inputs.judge(path.name, path.read_bytes(), round_trip=True) is None
    finally:
        signal.alarm(0)
