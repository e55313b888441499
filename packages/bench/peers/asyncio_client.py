#!/usr/bin/env python3
"""The peer a Python user would write: Python's asyncio, streams on one event loop.

    python3 asyncio_client.py [--quiet] [--json] [--timeout SECONDS] ADDRESS...

Every download starts at once; each keeps its chunks and joins them into the poem
at the end, as the stages' getPoetry does. It prints only the result record.
"""
import asyncio
import sys
import time

from peer_common import Result, code_of_oserror, parse_args


async def get_poetry(host, port, timeout):
    """One poem: connect, read until the server closes, return the bytes.

    `timeout` bounds the wait for the connection and then for each next chunk:
    the deadline moves on after every read.
    """
    loop = asyncio.get_running_loop()
    async with asyncio.timeout(timeout) as deadline:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            chunks = []
            while chunk := await reader.read(65536):  # b'' at the end of the poem
                chunks.append(chunk)
                if timeout is not None:
                    deadline.reschedule(loop.time() + timeout)
            return b''.join(chunks)
        finally:
            writer.close()


async def main(args):
    result = Result('asyncio')

    async def task(host, port):
        try:
            result.done(await get_poetry(host, port, args.timeout))
        except TimeoutError:
            result.failed('ETIMEDOUT')
        except OSError as error:
            result.failed(code_of_oserror(error))

    started = time.monotonic()
    await asyncio.gather(*(task(host, port) for host, port in args.addresses))
    return result.print((time.monotonic() - started) * 1000)


if __name__ == '__main__':
    sys.exit(asyncio.run(main(parse_args(__doc__.splitlines()[0]))))
