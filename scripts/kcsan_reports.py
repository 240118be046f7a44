#!/usr/bin/env python3
"""Sort the KCSAN reports of a kernel log into ours and not ours.

usage: kcsan_reports.py KERNEL_LOG SYMBOLS

SYMBOLS lists the functions of iomem_dma and its tests, one per line (nm
of the objects under drivers/iomem_dma/ of the build). A report is ours
when the function that made one of the racing accesses (the first frame
under "... by task N on cpu M:") is one of them: then the race is in our
code. A report whose accesses were all made by other kernel code (for
example genalloc's lockless bitmap search, or the VFS while a test reads
sysfs) is printed as not ours.

Prints one line per report: "ours: TITLE" or "other: TITLE (FRAMES)".
Exit status: 1 if any report is ours, 0 otherwise.
"""
import re
import sys

ACCESS = re.compile(r"\bby (task \d+|interrupt) on cpu \d+:$")
FRAME = re.compile(r"^\s*([A-Za-z0-9_.]+)\+0x[0-9a-f]+/0x[0-9a-f]+")


def reports(lines):
    """Yield (title, [first frame of each access]) per KCSAN report."""
    title, tops, want_frame = None, [], False
    for line in lines:
        line = line.rstrip("\n")
        if "BUG: KCSAN:" in line:
            if title:
                yield title, tops
            title = line[line.index("BUG: KCSAN:"):]
            tops, want_frame = [], False
            continue
        if title is None:
            continue
        if line.startswith("=" * 20):
            yield title, tops
            title = None
            continue
        if ACCESS.search(line):
            want_frame = True
            continue
        if want_frame:
            m = FRAME.match(line)
            if m:
                tops.append(m.group(1).split(".")[0])
                want_frame = False
    if title:
        yield title, tops


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[2]) as f:
        ours = {s.strip() for s in f if s.strip()}
    with open(sys.argv[1], errors="replace") as f:
        found = list(reports(f))
    bad = 0
    for title, tops in found:
        if not tops or any(t in ours for t in tops):
            # No access frame parsed: cannot clear it, count it as ours.
            print(f"ours: {title}")
            bad += 1
        else:
            print(f"other: {title} ({', '.join(tops)})")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
