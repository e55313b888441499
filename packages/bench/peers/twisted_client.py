#!/usr/bin/python3
"""The tutorial's own model: a client on Twisted's reactor (epoll).

    /usr/bin/python3 twisted_client.py [--quiet] [--json] [--timeout SECONDS] ADDRESS...

One PoetryProtocol per connection, all on one reactor; each keeps its chunks and
joins them into the poem when the server closes, as the stages' getPoetry does.
It prints only the result record.
"""
import sys
import time

from twisted.internet import epollreactor

epollreactor.install()

from twisted.internet import error, protocol, reactor  # noqa: E402  (after the reactor is chosen)
from twisted.protocols.policies import TimeoutMixin  # noqa: E402

from peer_common import Result, code_of_oserror, parse_args  # noqa: E402


class PoetryProtocol(protocol.Protocol, TimeoutMixin):
    """Collects one poem; the server closing the connection is its end."""

    timed_out = False

    def connectionMade(self):
        self.chunks = []
        self.setTimeout(self.factory.timeout)  # an idle timeout, pushed back by every chunk

    def dataReceived(self, data):
        self.resetTimeout()
        self.chunks.append(data)

    def timeoutConnection(self):
        self.timed_out = True
        self.transport.abortConnection()

    def connectionLost(self, reason):
        self.setTimeout(None)
        if self.timed_out:
            self.factory.failed('ETIMEDOUT')
        elif reason.check(error.ConnectionDone):  # a clean close: the whole poem
            self.factory.done(b''.join(self.chunks))
        else:
            self.factory.failed(code_of(reason.value))


class PoetryClientFactory(protocol.ClientFactory):
    protocol = PoetryProtocol

    def __init__(self, timeout, result, count):
        self.timeout, self.result, self.left = timeout, result, count
        self.started = time.monotonic()

    def clientConnectionFailed(self, connector, reason):  # never connected
        self.failed(code_of(reason.value))

    def done(self, poem):
        self.result.done(poem)
        self.over()

    def failed(self, code):
        self.result.failed(code)
        self.over()

    def over(self):
        self.left -= 1
        if self.left == 0:
            self.ms = (time.monotonic() - self.started) * 1000
            reactor.stop()


def code_of(exception):
    if isinstance(exception, error.TimeoutError):
        return 'ETIMEDOUT'
    if isinstance(exception, error.ConnectionRefusedError):
        return 'ECONNREFUSED'
    if isinstance(exception, error.ConnectionLost):
        return 'ECONNRESET'
    if isinstance(exception, OSError):
        return code_of_oserror(exception)
    return type(exception).__name__


def main():
    args = parse_args(__doc__.splitlines()[0])
    result = Result('twisted')
    factory = PoetryClientFactory(args.timeout, result, len(args.addresses))
    for host, port in args.addresses:
        reactor.connectTCP(host, port, factory, timeout=args.timeout or 30)  # the connect timeout
    reactor.run()
    return result.print(factory.ms)


if __name__ == '__main__':
    sys.exit(main())
