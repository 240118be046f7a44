#!/usr/bin/env python3
"""Hot-unplug a QEMU device when the guest asks for it.

usage: qmp_unplug.py QMP_SOCKET BOOT_LOG MARKER DEVICE_ID [TIMEOUT]

Waits until BOOT_LOG contains a line starting with MARKER, then sends
QMP device_del for DEVICE_ID (a PCIe native hot-unplug request), and
prints what QEMU answered. Exits 0 when QEMU accepted the request.
"""
import json
import socket
import sys
import time


def main(sock_path, log_path, marker, dev_id, timeout=240):
    deadline = time.time() + float(timeout)
    while time.time() < deadline:
        try:
            with open(log_path, errors='replace') as f:
                if any(line.startswith(marker) for line in f):
                    break
        except FileNotFoundError:
            pass
        time.sleep(0.2)
    else:
        print('qmp_unplug: marker never seen', file=sys.stderr)
        return 1

    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sock_path)
    f = s.makefile('rw')
    f.readline()  # greeting
    for cmd in ({'execute': 'qmp_capabilities'},
                {'execute': 'device_del', 'arguments': {'id': dev_id}}):
        f.write(json.dumps(cmd) + '\n')
        f.flush()
        while True:
            reply = json.loads(f.readline())
            if 'return' in reply or 'error' in reply:
                break
        if 'error' in reply:
            print('qmp_unplug: %s: %s' % (cmd['execute'], reply['error']),
                  file=sys.stderr)
            return 1
    print('qmp_unplug: device_del %s accepted' % dev_id)
    return 0


if __name__ == '__main__':
    sys.exit(main(*sys.argv[1:]))
