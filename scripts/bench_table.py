#!/usr/bin/env python3
"""Turn the BENCH lines of a boot log into the benchmark table.

usage: bench_table.py BOOT_LOG OUT_FILE
ratio = ours / anchor for times and sizes (lower is better); for
allocation and for scaling across CPUs the goal is stated as a speed-up,
anchor / ours. Every row shows the median and, in brackets, the minimum
and maximum of its repetitions.
"""
import re
import sys

# (pattern, kind, goal); the first pattern that matches decides.
GOALS = [
    (r'^floor of verdict', 'ratio', None),
    (r'^floor of alloc', 'speedup', None),
    (r"^cold verdict's part", 'ratio', None),
    (r'^verdict, warm', 'ratio', 0.05),
    (r'^verdict, cold', 'ratio', 1.0),
    (r'^map\+unmap per entry, 1 entries', 'ratio', 1.0),
    (r'^map\+unmap per entry', 'ratio', 0.8),
    (r'magazines off', 'speedup', None),
    (r'^raw genalloc', 'speedup', None),
    (r'CPUs vs raw genalloc', 'speedup', None),
    (r'CPUs vs 1 CPU', 'speedup', 3.0),
    (r'^alloc\+free 4 KiB at 0% fill', 'speedup', 1.0),
    (r'free space at the top', 'speedup', 5.0),
    (r'^alloc\+free', 'speedup', None),
    (r'^metadata bytes per MiB, fully allocated', 'ratio', 1 / 16),
    (r'^metadata', 'ratio', 0.01),
    (r'^verdict lookup', 'ratio', 1.5),
    (r'^policy change', 'ratio', 1.2),
]

LINE = re.compile(r'BENCH (.*?)\|(\d+)\|(\d+)\|(\d+)\|(\d+)'
                  r'(?:\|(\d+)\|(\d+)\|(\d+)\|(\d+))?\s*$')


def spread(med, lo, hi, unit):
    if lo is None or (lo == med == hi):
        return '%d %s' % (med, unit)
    return '%d %s [%d-%d]' % (med, unit, lo, hi)


def main(log, out):
    rows = []
    for line in open(log, errors='replace'):
        m = LINE.search(line)
        if m:
            g = [int(x) if x is not None else None for x in m.groups()[1:]]
            rows.append((m.group(1),) + tuple(g))
    if not rows:
        return 1
    lines = ['%-66s %24s %24s %8s %6s %4s  %s' % (
        'metric', 'ours [min-max]', 'anchor [min-max]', 'ratio', 'iters',
        'reps', 'goal')]
    met = total = 0
    for name, ours, anchor, iters, reps, omin, omax, amin, amax in rows:
        unit = 'B' if name.startswith('metadata') else 'ns'
        ratio = '-'
        goal = 'reported'
        for pat, kind, target in GOALS:
            if not re.search(pat, name):
                continue
            if anchor and ours:
                r = ours / anchor if kind == 'ratio' else anchor / ours
                ratio = '%.3f' % r if kind == 'ratio' else '%.2fx' % r
                if target is not None:
                    ok = r <= target if kind == 'ratio' else r >= target
                    total += 1
                    met += ok
                    goal = '%s %s: %s' % ('<=' if kind == 'ratio' else 'speed-up >=',
                                          ('%.4g' % target) + ('' if kind == 'ratio' else 'x'),
                                          'met' if ok else 'NOT met')
            break
        lines.append('%-66s %24s %24s %8s %6d %4d  %s' % (
            name[:66], spread(ours, omin, omax, unit),
            spread(anchor, amin, amax, unit) if anchor else '-',
            ratio, iters, reps, goal))
    lines.append('%d of %d goals met' % (met, total))
    text = '\n'.join(lines) + '\n'
    print(text, end='')
    with open(out, 'w') as f:
        f.write(text)
    print('table written to %s' % out)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1], sys.argv[2]))
