"""What the two Python peers share: the stages' command line, and the result
record every client of the bench prints (the same as a stage's --json), plus the
CPU time and peak memory the bench reads from the file SLOW_POETRY_USAGE names
(a Node client's are recorded by a preloaded module; these record their own)."""
import argparse
import errno
import json
import os
import resource

REASONS = {
    'ECONNREFUSED': 'connection refused',
    'ECONNRESET': 'connection reset by peer',
    'ETIMEDOUT': 'timed out',
}


def parse_args(description):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('--quiet', action='store_true')  # always quiet: no line per chunk
    parser.add_argument('--json', action='store_true')  # always: the result record is all it prints
    parser.add_argument('--timeout', type=float)
    parser.add_argument('addresses', nargs='+', type=parse_address, metavar='ADDRESS')
    return parser.parse_args()


def parse_address(text):
    """PORT or HOST:PORT; a bare PORT means 127.0.0.1, as for the stages."""
    host, _, port = text.rpartition(':')
    return (host or '127.0.0.1', int(port))


def reason(code):
    """`connection refused (ECONNREFUSED)`, as the stages word a failure."""
    return f'{REASONS[code]} ({code})' if code in REASONS else code


def code_of_oserror(error):
    return errno.errorcode.get(error.errno, type(error).__name__) if isinstance(error.errno, int) else type(error).__name__


class Result:
    def __init__(self, stage):
        self.record = {'stage': stage, 'status': 0, 'ms': 0, 'poems': 0, 'failed': 0, 'bytes': 0, 'reasons': {}}

    def done(self, poem):
        self.record['poems'] += 1
        self.record['bytes'] += len(poem)

    def failed(self, code):
        self.record['failed'] += 1
        why = reason(code)
        self.record['reasons'][why] = self.record['reasons'].get(why, 0) + 1

    def print(self, ms):
        self.record['ms'] = ms
        self.record['status'] = 1 if self.record['failed'] else 0
        print(json.dumps(self.record), flush=True)
        usage_file = os.environ.get('SLOW_POETRY_USAGE')
        if usage_file:
            usage = resource.getrusage(resource.RUSAGE_SELF)
            with open(usage_file, 'w') as out:
                # ru_maxrss is in kilobytes on Linux.
                json.dump({'cpuSeconds': usage.ru_utime + usage.ru_stime, 'maxRssKb': usage.ru_maxrss}, out)
        return self.record['status']
