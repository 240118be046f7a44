#!/usr/bin/env python3
"""What the iomem_dma trace events cost when compiled in but off.

usage: bench_trace.py OUT_FILE LOG_ON... -- LOG_OFF...

The LOG_ON boots ran the benchmark suite on the board kernel (the
iomem_dma events compiled in, all off), the LOG_OFF boots on the same
kernel built with CONFIG_IOMEM_DMA_TRACE=n (no events of ours; ftrace
and everything else the same). For each row, over the boots of each
kernel: the median of the per-boot medians of ours, and of the anchor
(upstream, the plain DMA API or genalloc, which have no iomem_dma
events). cost = (ours on / ours off) / (anchor on / anchor off): what is
left of the difference once both kernels' own difference is taken out.
The noise is how far the per-boot medians of one kernel lie apart (the
largest max/min of ours or the anchor, on either kernel): a row is
"within noise" when its cost lies inside that band.
"""
import re
import statistics
import sys

LINE = re.compile(r'BENCH (.*?)\|(\d+)\|(\d+)\|(\d+)\|(\d+)'
                  r'(?:\|(\d+)\|(\d+)\|(\d+)\|(\d+))?\s*$')


def rows(log):
    out = {}
    for line in open(log, errors='replace'):
        m = LINE.search(line)
        if m:
            out[m.group(1)] = (int(m.group(2)), int(m.group(3)))
    return out


def series(logs, name, k):
    return [r[name][k] for r in logs if name in r and r[name][k]]


def main(out, on_logs, off_logs):
    on = [rows(x) for x in on_logs]
    off = [rows(x) for x in off_logs]
    if not on or not off or not on[0]:
        return 1
    names = [n for n in on[0] if not n.startswith('metadata')
             and all(n in r for r in on + off)]
    lines = ['%d boots with the events compiled in (off), %d without'
             % (len(on), len(off)),
             '%-56s %9s %9s %9s %9s %7s %6s  %s' % (
                 'metric (median of boot medians, ns)', 'ours on', 'ours off',
                 'anch on', 'anch off', 'cost', 'noise', 'verdict')]
    within = total = 0
    for n in names:
        o_on, o_off = series(on, n, 0), series(off, n, 0)
        a_on, a_off = series(on, n, 1), series(off, n, 1)
        if not o_on or not o_off:
            continue
        mo_on, mo_off = statistics.median(o_on), statistics.median(o_off)
        cost = mo_on / mo_off
        band = max(max(s) / min(s) for s in (o_on, o_off))
        if a_on and a_off:
            ma_on, ma_off = statistics.median(a_on), statistics.median(a_off)
            cost /= ma_on / ma_off
            band = max([band] + [max(s) / min(s) for s in (a_on, a_off)])
        else:
            ma_on = ma_off = 0
        ok = 1 / band <= cost <= band
        total += 1
        within += ok
        lines.append('%-56s %9d %9d %9s %9s %7.3f %6.2f  %s' % (
            n[:56], mo_on, mo_off, '%d' % ma_on if ma_on else '-',
            '%d' % ma_off if ma_off else '-', cost, band,
            'within noise' if ok else 'OUTSIDE noise'))
    lines.append('%d of %d rows within noise' % (within, total))
    text = '\n'.join(lines) + '\n'
    print(text, end='')
    with open(out, 'w') as f:
        f.write(text)
    print('table written to %s' % out)
    return 0


if __name__ == '__main__':
    args = sys.argv[2:]
    if '--' not in args:
        sys.exit('usage: bench_trace.py OUT_FILE LOG_ON... -- LOG_OFF...')
    i = args.index('--')
    sys.exit(main(sys.argv[1], args[:i], args[i + 1:]))
