#!/usr/bin/python3
"""Python entries in bench/peers/run. Prints one JSON line per measurement.

usage: qmpbench.py IMPL seq ADDR SECONDS | IMPL pipe ADDR SECONDS WINDOW | IMPL events ADDR COUNT
  IMPL qemu.qmp  QEMU's own library (qemu.qmp.QMPClient, asyncio), from $PYQEMU (default /tmp/pyqemu)
  IMPL raw       a plain socket reader doing json.loads per line: a data point, not a library
"""
import asyncio
import json
import os
import socket
import sys
import time

PYQEMU = os.environ.get("PYQEMU", "/tmp/pyqemu")


def emit(impl, case, value=None, unit=None, skipped=None):
    line = {"impl": impl, "case": case}
    if skipped is not None:
        line["skipped"] = skipped
    else:
        line["value"] = round(value, 1)
        line["unit"] = unit
    print(json.dumps(line, separators=(",", ":")), flush=True)


UNITS = {"seq": "round trips/s", "pipe": "commands/s", "events": "events/s"}


# ---- qemu.qmp ----

async def qmp_window(addr, seconds, window):
    from qemu.qmp import QMPClient
    qmp = QMPClient("bench")
    await qmp.connect(addr)
    try:
        rate = 0.0
        for span in (seconds / 4, seconds):  # warm-up, not counted; then the measurement
            done = 0
            start = t = time.perf_counter()
            while t - start < span:
                if window == 1:
                    await qmp.execute("query-status")
                else:
                    await asyncio.gather(*(qmp.execute("query-status") for _ in range(window)))
                done += window
                t = time.perf_counter()
            rate = done / (t - start)
        return rate
    finally:
        await qmp.disconnect()


async def qmp_events(addr, count):
    from qemu.qmp import QMPClient
    qmp = QMPClient("bench")
    # The library's default listener (every event), as its documentation uses it: `async for event in qmp.events`.
    events = qmp.events
    await qmp.connect(addr)
    try:
        first = await events.get()
        check = first["data"]["offset"]
        start = time.perf_counter()
        for _ in range(count - 1):
            event = await events.get()
            check += event["data"]["offset"]
        end = time.perf_counter()
        if check != count * 4096:
            print("qmpbench: unexpected event data", file=sys.stderr)
        return (count - 1) / (end - start)
    finally:
        await qmp.disconnect()


def run_qemu_qmp(mode, addr, args):
    impl = "python-qemu.qmp"
    if not os.path.isdir(os.path.join(PYQEMU, "qemu", "qmp")):
        emit(impl, mode, skipped=f"QEMU's Python sources not found in $PYQEMU ({PYQEMU})")
        return
    sys.path.insert(0, PYQEMU)
    if mode == "events":
        value = asyncio.run(qmp_events(addr, int(args[0])))
    else:
        value = asyncio.run(qmp_window(addr, float(args[0]), 1 if mode == "seq" else int(args[1])))
    emit(impl, mode, value, UNITS[mode])


# ---- raw socket + json.loads ----

class RawClient:
    def __init__(self, addr):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(addr)
        self.rfile = self.sock.makefile("rb", buffering=1 << 16)
        json.loads(self.rfile.readline())  # greeting
        self.sock.sendall(b'{"execute": "qmp_capabilities", "arguments": {"enable": ["oob"]}}\r\n')
        self.next_id = 0

    def negotiated(self):
        reply = json.loads(self.rfile.readline())
        assert "return" in reply, reply

    def window(self, seconds, window):
        self.negotiated()
        rate = 0.0
        for span in (seconds / 4, seconds):
            done = 0
            start = t = time.perf_counter()
            while t - start < span:
                ids = range(self.next_id, self.next_id + window)
                self.next_id += window
                self.sock.sendall("".join(json.dumps({"execute": "query-status", "id": i}) for i in ids).encode())
                for _ in ids:
                    reply = json.loads(self.rfile.readline())
                    reply["return"]
                done += window
                t = time.perf_counter()
            rate = done / (t - start)
        return rate

    def events(self, count):
        self.negotiated()
        readline, loads = self.rfile.readline, json.loads
        check = loads(readline())["data"]["offset"]
        start = time.perf_counter()
        for _ in range(count - 1):
            check += loads(readline())["data"]["offset"]
        end = time.perf_counter()
        if check != count * 4096:
            print("qmpbench: unexpected event data", file=sys.stderr)
        return (count - 1) / (end - start)


def run_raw(mode, addr, args):
    c = RawClient(addr)
    if mode == "events":
        value = c.events(int(args[0]))
    else:
        value = c.window(float(args[0]), 1 if mode == "seq" else int(args[1]))
    c.sock.close()
    emit("python-raw", mode, value, UNITS[mode])


def main():
    if len(sys.argv) < 5 or sys.argv[1] not in ("qemu.qmp", "raw") or sys.argv[2] not in UNITS:
        print(__doc__, file=sys.stderr)
        return 2
    impl, mode, addr, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    (run_qemu_qmp if impl == "qemu.qmp" else run_raw)(mode, addr, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
