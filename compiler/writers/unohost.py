"""The host of one warm LibreOffice: unoserver's XML-RPC server in front of a LibreOffice with our profile.

This file is run as a script by the Python that has LibreOffice's ``uno`` module (Debian's python3-uno
for /usr/bin/python3, LibreOffice's own python.exe on Windows), never imported by nianbao: that Python
has none of nianbao's dependencies, so only the standard library, ``uno`` and unoserver are used.
``pdf_converter.Converter`` starts it and talks to it through unoserver's XML-RPC API.

    python3 unohost.py SITE_DIR SOFFICE PROFILE_URL UNO_PORT RPC_PORT PID_FILE [WATCH_PID,...]

PID_FILE (in the converter's own folder) receives LibreOffice's process id; WATCH_PIDS are more
processes whose end ends the host (a batch's main process, when the parent is one of its workers).
SITE_DIR is the folder unoserver is installed in (nianbao's environment); it is added at the *end* of
``sys.path``, so the uno Python's own packages win and only unoserver is found there.

unoserver's own ``main`` sleeps a fixed 7 s before it serves; here LibreOffice is started with the same
options unoserver uses, the UNO port is polled, and unoserver's ``UnoServer.serve`` (its converter and
XML-RPC server) runs as soon as LibreOffice listens.  LibreOffice runs in a process group of its own so
that it can be killed whole.  The host ends LibreOffice and itself when its parent (the nianbao process
that owns the converter) or a watched process goes away, however that happened: a watchdog compares
``os.getppid()``, and on Linux the parent's death also sends SIGTERM (``PR_SET_PDEATHSIG``, set by the
parent before exec).  Ending, it removes the converter's folder (the profile) too.
"""

import sys

# Python puts this file's folder first on sys.path; nianbao's writers there (html.py…) would shadow the
# standard library's modules of the same name in this Python.
del sys.path[0]

import os  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

WATCH_INTERVAL = 0.2  # seconds between looks at the parent
START_TIMEOUT = 60  # seconds LibreOffice may take to listen


def main(argv: list[str]) -> int:
    site_dir, soffice, profile_url, uno_port, rpc_port, pid_file = argv[:6]
    watched = [int(p) for p in (argv[6] if len(argv) > 6 else "").split(",") if p]
    folder = os.path.dirname(os.path.abspath(pid_file))
    sys.path.append(site_dir)
    parent = os.getppid()
    office: list[subprocess.Popen] = []
    ending = threading.Event()

    def end(*_args) -> None:
        """Kill LibreOffice's whole group, remove the folder, leave at once."""
        ending.set()
        for proc in office:
            if sys.platform == "win32":  # pragma: no cover - Windows only
                subprocess.run(["taskkill", "/F", "/T", "/PID", str(proc.pid)], capture_output=True)
            else:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except OSError:
                    pass
            # Not proc.wait(): end() may run as a signal handler inside the main thread's proc.wait(),
            # which holds Popen's lock; reap LibreOffice here directly, briefly.
            deadline = time.monotonic() + 3
            while sys.platform != "win32" and time.monotonic() < deadline:
                try:
                    if os.waitpid(proc.pid, os.WNOHANG)[0]:
                        break
                except ChildProcessError:
                    break
                time.sleep(0.02)
        shutil.rmtree(folder, ignore_errors=True)
        os._exit(0)

    def gone(pid: int) -> bool:
        if sys.platform == "win32":  # pragma: no cover - Windows only (os.kill(pid, 0) would send Ctrl+C)
            import ctypes
            kernel = ctypes.windll.kernel32
            handle = kernel.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
            if not handle:
                return True
            code = ctypes.c_ulong()
            kernel.GetExitCodeProcess(handle, ctypes.byref(code))
            kernel.CloseHandle(handle)
            return code.value != 259  # STILL_ACTIVE
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except OSError:
            return False
        return False

    for signum in (signal.SIGTERM, signal.SIGINT, getattr(signal, "SIGHUP", None)):
        if signum is not None:
            signal.signal(signum, end)

    def watch() -> None:
        while not ending.is_set():
            if os.getppid() != parent or any(gone(pid) for pid in watched):
                end()
            time.sleep(WATCH_INTERVAL)

    threading.Thread(target=watch, daemon=True).start()

    from unoserver.server import UnoServer

    connection = f"socket,host=127.0.0.1,port={uno_port},tcpNoDelay=1;urp;StarOffice.ComponentContext"
    command = [soffice, "--headless", "--invisible", "--nocrashreport", "--nodefault", "--nologo",
               "--nofirststartwizard", "--norestore", "--nolockcheck", f"-env:UserInstallation={profile_url}",
               f"--accept={connection}"]
    # LibreOffice's own temporary files (lu*.tmp) go into the converter's folder, and go with it
    environment = dict(os.environ, TMPDIR=folder, TMP=folder, TEMP=folder)
    office.append(subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, start_new_session=True, env=environment))
    with open(pid_file, "w") as f:
        f.write(str(office[0].pid))
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if office[0].poll() is not None or time.monotonic() > deadline:
            end()
        try:
            socket.create_connection(("127.0.0.1", int(uno_port)), timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)

    server = UnoServer(interface="127.0.0.1", port=rpc_port, uno_interface="127.0.0.1", uno_port=uno_port,
                       user_installation=profile_url, temp_dir=folder)
    server.libreoffice_process = office[0]
    threading.Thread(target=server.serve, daemon=True).start()
    office[0].wait()  # LibreOffice died (or was killed for hanging): the host has nothing left to do
    end()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
