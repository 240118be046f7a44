#!/usr/bin/env python3
"""Turn the BENCH lines of a boot log into the benchmark table.

usage: bench_table.py BOOT_LOG OUT_FILE
ratio = ours / anchor for times and sizes (lower is better); for
allocation the goal is stated as a speed-up, anchor / ours.
"""
import re
import sys

GOALS = [
    (r'^verdict, warm', 'ratio', 0.05),
    (r'^verdict, cold', 'ratio', 1.0),
    (r'^map\+unmap', 'ratio', 1.0),
    (r'^alloc\+free .* at 0% fill', 'speedup', 1.0),
    (r'^alloc\+free .* at 95% fill', 'speedup', 5.0),
    (r'^alloc\+free', 'speedup', None),
    (r'^metadata', 'ratio', 0.01),
    (r'^verdict lookup', 'ratio', 1.5),
    (r'^policy change', 'ratio', 1.5),
]


def main(log, out):
    rows = []
    for line in open(log, errors='replace'):
        m = re.search(r'BENCH (.*)\|(\d+)\|(\d+)\|(\d+)\|(\d+)\s*$', line)
        if m:
            rows.append((m.group(1), int(m.group(2)), int(m.group(3)),
                         int(m.group(4)), int(m.group(5))))
    if not rows:
        return 1
    lines = ['%-58s %12s %12s %9s %7s %5s  %s' % (
        'metric', 'ours', 'anchor', 'ratio', 'iters', 'reps', 'goal')]
    for name, ours, anchor, iters, reps in rows:
        unit = 'B' if name.startswith('metadata') else 'ns'
        ratio = '-'
        goal = 'reported'
        for pat, kind, target in GOALS:
            if re.search(pat, name) and anchor and ours:
                if kind == 'ratio':
                    r = ours / anchor
                    ratio = '%.3f' % r
                    goal = '<= %g: %s' % (target, 'met' if r <= target else 'NOT met')
                else:
                    r = anchor / ours
                    ratio = '%.2fx' % r
                    if target is not None:
                        goal = 'speed-up >= %gx: %s' % (target, 'met' if r >= target else 'NOT met')
                break
        else:
            if anchor and ours:
                ratio = '%.3f' % (ours / anchor)
        lines.append('%-58s %10d %s %10s %s %9s %7d %5d  %s' % (
            name[:58], ours, unit, str(anchor) if anchor else '-', unit if anchor else ' ',
            ratio, iters, reps, goal))
    text = '\n'.join(lines) + '\n'
    print(text, end='')
    with open(out, 'w') as f:
        f.write(text)
    print('table written to %s' % out)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1], sys.argv[2]))
