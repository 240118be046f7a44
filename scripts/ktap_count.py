#!/usr/bin/env python3
"""Count KUnit test cases in a kernel log.

Reads the KTAP output inside a kernel log (any prefix before "KTAP" or
the result lines is ignored, as kunit.py does), counts leaf cases (a
parameterised case counts each parameter) as passed, failed or skipped,
and checks that every plan line was matched by as many results.

Prints "PASSED FAILED SKIPPED" and exits 1 if the output is truncated
(a plan not met), 2 if no test ran.
"""
import re
import sys

RESULT = re.compile(r'^(\s*)(ok|not ok) (\d+)\s*(?:-\s*)?([^#]*?)\s*(#.*)?$')
PLAN = re.compile(r'^(\s*)1\.\.(\d+)\s*$')
START = re.compile(r'(KTAP version \d+|TAP version \d+)')


def main(path):
    passed = failed = skipped = 0
    plans = {}      # indent -> planned count of the open level
    seen = {}       # indent -> results seen at that level
    problems = []
    prefix = None
    last_indent = -1
    with open(path, errors='replace') as f:
        for raw in f:
            line = raw.rstrip('\n')
            if prefix is None:
                m = START.search(line)
                if not m:
                    continue
                prefix = line[:m.start()]
                continue
            if not line.startswith(prefix):
                continue
            line = line[len(prefix):]
            m = PLAN.match(line)
            if m:
                ind = len(m.group(1))
                plans[ind] = int(m.group(2))
                seen[ind] = 0
                continue
            m = RESULT.match(line)
            if not m:
                continue
            ind = len(m.group(1))
            seen[ind] = seen.get(ind, 0) + 1
            is_parent = last_indent > ind
            # A parent's children are done: check their plan.
            for deeper in [k for k in plans if k > ind]:
                if seen.get(deeper, 0) != plans[deeper]:
                    problems.append('plan %d != %d results at depth %d'
                                    % (plans[deeper], seen.get(deeper, 0),
                                       deeper))
                del plans[deeper]
                seen.pop(deeper, None)
            last_indent = ind
            if is_parent:
                continue
            directive = (m.group(5) or '').upper()
            if 'SKIP' in directive:
                skipped += 1
            elif m.group(2) == 'ok':
                passed += 1
            else:
                failed += 1
    for ind, n in plans.items():
        if seen.get(ind, 0) != n:
            problems.append('plan %d != %d results at depth %d'
                            % (n, seen.get(ind, 0), ind))
    print(passed, failed, skipped)
    for p in problems:
        print('ktap: truncated or malformed output:', p, file=sys.stderr)
    if problems:
        return 1
    if passed + failed + skipped == 0:
        print('ktap: no test ran', file=sys.stderr)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1]))
