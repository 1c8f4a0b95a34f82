"""The SIP2 TCP server, optionally over TLS.

One event loop (asyncio) reads the frames of every connection, so a self-check that sits
idle for hours costs a socket and a few kilobytes, never a thread, and new connections are
accepted as fast with 400 machines connected as with none. Answering (handlers.handle, which
reads and writes the database) happens in a small, fixed pool of threads, each with its own
database connection; the messages of one connection are answered one at a time, in the
order they came.

A connection that has not logged in within the login timeout, or that sends nothing for the
idle timeout after logging in, is closed; so is any connection beyond the cap, at once. A
frame that cannot be read is logged and answered as well as SIP2 allows: a bad checksum gets
a resend request (96), a malformed request gets that request's refusal (nothing done), an
unknown command gets no answer (SIP2 has no error response), and the connection carries on
with the next one.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import logging
import os
import queue
import re
import signal
import socket
import ssl
import threading
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connections

from bibliohub.interop.sip2 import codec, handlers

logger = logging.getLogger("bibliohub.sip2")

ENCODING = "utf-8"
READ_SIZE = 4096
# A line longer than this without a terminator is not SIP2; it is dropped, not buffered.
MAX_FRAME = 64 * 1024
# How much of a bad frame goes into the log line.
LOG_EXCERPT = 120
# Connections the kernel holds for us while the loop is busy. A whole site's machines
# reconnect at once after a network cut; with a short queue they would wait for SYN retries.
BACKLOG = 128
# Connections accepted in one go before the loop turns to the open ones again.
ACCEPT_BATCH = 64

_PASSWORD_RE = re.compile(rb"(\|?(?:CO|AC|AD))[^|]*")


def _excerpt(frame: bytes) -> str:
    """The start of a frame for a log line, with passwords blanked out."""
    return repr(_PASSWORD_RE.sub(rb"\1***", frame[:LOG_EXCERPT]))


def _answer(session: handlers.Session, frame: bytes) -> bytes:
    """The bytes to send back for one frame (empty for none). Runs in a worker thread."""
    try:
        decoded = codec.decode(frame, encoding=ENCODING)
    except codec.ChecksumMismatch as exc:
        logger.warning("SIP2 %s: %s; asking for a resend: %s", session.peer, exc, _excerpt(frame))
        return codec.encode(codec.RequestSCResend(), encoding=ENCODING)
    except codec.MalformedMessage as exc:
        if exc.partial is None:  # not a request we know: nothing to answer it with
            logger.warning(
                "SIP2 %s: malformed message ignored (%s): %s", session.peer, exc, _excerpt(frame)
            )
            return b""
        logger.warning(
            "SIP2 %s: malformed message refused (%s): %s", session.peer, exc, _excerpt(frame)
        )
        return _reply(
            session,
            frame,
            exc.partial,
            sequence=exc.sequence,
            checksummed=exc.checksummed,
            refuse=True,
        )
    message = decoded.message
    if isinstance(message, codec.RequestACSResend):
        # Nothing sent yet: the spec says to ask the machine to send its message again.
        return session.last_response or codec.encode(codec.RequestSCResend(), encoding=ENCODING)
    if decoded.sequence is not None and frame == session.last_request and session.last_response:
        # The same message with the same sequence number: the self-check did not get
        # our answer. Send it again rather than, say, lending the item twice.
        return session.last_response
    return _reply(
        session,
        frame,
        message,
        sequence=decoded.sequence,
        checksummed=decoded.checksummed,
        refuse=False,
    )


def _reply(
    session: handlers.Session,
    frame: bytes,
    message: codec.Message,
    *,
    sequence: int | None,
    checksummed: bool,
    refuse: bool,
) -> bytes:
    """The encoded answer to `message`: what the handler says, or (`refuse`, for a message
    that could not be read whole) the refusal of that request, nothing done."""
    try:
        if refuse:
            response = handlers.refuse_unreadable(session, message)
        else:
            response = handlers.handle(session, message)
        reply = codec.encode(
            response,
            sequence=sequence,
            error_detection=checksummed or sequence is not None,
            encoding=ENCODING,
        )
    except codec.UnknownCommand as exc:
        logger.warning("SIP2 %s: %s; not answered", session.peer, exc)
        return b""
    except Exception:
        # A bug or a lost database must not end the kiosk's connection, nor leave it waiting:
        # it gets the request's refusal, and can retry.
        logger.exception("SIP2 %s: error answering %s", session.peer, _excerpt(frame))
        close_old_connections()
        try:
            reply = codec.encode(
                handlers.refuse_failed(session, message),
                sequence=sequence,
                error_detection=checksummed or sequence is not None,
                encoding=ENCODING,
            )
        except Exception:
            logger.exception("SIP2 %s: cannot refuse %s either", session.peer, message.command)
            return b""
        return reply
    session.last_request = frame
    session.last_response = reply
    return reply


class _Workers:
    """A fixed number of threads that answer messages. Each keeps its own database
    connection (Django gives one per thread) from message to message, whichever machine
    sent it, and closes it when the pool stops."""

    def __init__(self, size: int) -> None:
        self._jobs: queue.SimpleQueue[
            tuple[concurrent.futures.Future[bytes], Callable[[], bytes]] | None
        ] = queue.SimpleQueue()
        self._threads = [
            threading.Thread(target=self._work, name=f"sip2-worker-{i}", daemon=True)
            for i in range(size)
        ]
        for thread in self._threads:
            thread.start()

    def run(self, call: Callable[[], bytes]) -> asyncio.Future[bytes]:
        future: concurrent.futures.Future[bytes] = concurrent.futures.Future()
        self._jobs.put((future, call))
        return asyncio.wrap_future(future)

    def _work(self) -> None:
        try:
            while (job := self._jobs.get()) is not None:
                future, call = job
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    result = call()
                except BaseException as exc:
                    future.set_exception(exc)
                else:
                    future.set_result(result)
        finally:
            connections.close_all()

    def stop(self) -> None:
        """Let each thread finish the message in hand, then end them all."""
        for _ in self._threads:
            self._jobs.put(None)
        for thread in self._threads:
            thread.join()


class SipServer:
    """Listens on `address` from the moment it is made (port 0: any free port, see `port`);
    serve_forever() answers until shutdown() is called from another thread. Timeouts, the
    cap and the number of threads default to the settings (BIBLIOHUB_SIP2_*)."""

    def __init__(
        self,
        address: tuple[str, int],
        *,
        tls: ssl.SSLContext | None = None,
        login_timeout: float | None = None,
        idle_timeout: float | None = None,
        max_connections: int | None = None,
        threads: int | None = None,
    ) -> None:
        self.tls = tls
        self.login_timeout = login_timeout or settings.SIP2_LOGIN_TIMEOUT
        self.idle_timeout = idle_timeout or settings.SIP2_IDLE_TIMEOUT
        self.max_connections = max_connections or settings.SIP2_MAX_CONNECTIONS
        self.threads = threads or settings.SIP2_THREADS
        self.socket = socket.create_server(address, backlog=BACKLOG)
        self._connections: set[asyncio.Task[None]] = set()
        self._workers: _Workers | None = None
        # shutdown() may come from another thread before, while or after the loop runs.
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._shutdown_requested = False
        self._stopped = threading.Event()

    @property
    def port(self) -> int:
        return int(self.socket.getsockname()[1])

    def serve_forever(self) -> None:
        self._stopped.clear()
        try:
            asyncio.run(self._serve())
        finally:
            self._stopped.set()

    def shutdown(self) -> None:
        """Stop serve_forever(), running in another thread, and wait until it has returned:
        open connections are closed and the threads finish the messages in hand."""
        with self._lock:
            self._shutdown_requested = True
            loop, stop = self._loop, self._stop
        if loop is not None and stop is not None:
            with contextlib.suppress(RuntimeError):  # the loop has just ended by itself
                loop.call_soon_threadsafe(stop.set)
            self._stopped.wait()

    def server_close(self) -> None:
        self.socket.close()

    async def _serve(self) -> None:
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        with self._lock:
            if self._shutdown_requested:
                return
            self._loop, self._stop = loop, stop
        self._workers = workers = _Workers(self.threads)
        # Several worker processes may share this socket (serve_in_processes): whichever
        # accepts a connection first gets it, the others find nothing and wait again.
        self.socket.setblocking(False)
        loop.add_reader(self.socket.fileno(), self._accept)
        try:
            await stop.wait()
        finally:
            with self._lock:
                self._loop = self._stop = None
            loop.remove_reader(self.socket.fileno())
            for task in self._connections:
                task.cancel()
            await asyncio.gather(*self._connections, return_exceptions=True)
            workers.stop()

    def _accept(self) -> None:
        loop = asyncio.get_running_loop()
        for _ in range(ACCEPT_BATCH):
            try:
                sock, address = self.socket.accept()
            except (BlockingIOError, InterruptedError):
                return  # none waiting, or another worker process took it
            except ConnectionAbortedError:
                continue
            except OSError as exc:
                # Out of file descriptors or memory: pause rather than spin on the socket.
                logger.error("SIP2: cannot accept connections (%s); trying again in 1 s", exc)
                loop.remove_reader(self.socket.fileno())
                loop.call_later(1.0, loop.add_reader, self.socket.fileno(), self._accept)
                return
            peer = f"{address[0]}:{address[1]}"
            if len(self._connections) >= self.max_connections:
                logger.warning(
                    "SIP2 %s: refused, %d connections are open (the most allowed)",
                    peer,
                    len(self._connections),
                )
                sock.close()
                continue
            task = loop.create_task(self._connection(sock, peer))
            self._connections.add(task)
            task.add_done_callback(self._connections.discard)

    async def _connection(self, sock: socket.socket, peer: str) -> None:
        loop = asyncio.get_running_loop()
        logger.info("SIP2 %s: connected", peer)
        level, ending = logging.INFO, "disconnected"
        writer: asyncio.StreamWriter | None = None
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            # Self-checks keep a connection open for hours, mostly idle; keepalives let the
            # system notice a machine that was switched off.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
            login_deadline = loop.time() + self.login_timeout
            reader = asyncio.StreamReader(limit=MAX_FRAME)
            protocol = asyncio.StreamReaderProtocol(reader)
            try:
                # The TLS handshake runs in the loop, a step each time the client's bytes
                # come, so a slow or broken client holds up no one.
                transport, _ = await loop.connect_accepted_socket(
                    lambda: protocol,
                    sock,
                    ssl=self.tls,
                    ssl_handshake_timeout=self.login_timeout if self.tls else None,
                )
            except OSError as exc:
                level, ending = logging.WARNING, f"TLS handshake failed ({exc}); closed"
                return
            writer = asyncio.StreamWriter(transport, protocol, reader, loop)
            level, ending = await self._converse(
                handlers.Session(peer=peer), reader, writer, login_deadline
            )
        except asyncio.CancelledError:
            ending = "closed: the server is stopping"
            raise
        except Exception:
            # A bug here must end this connection only, never the loop.
            logger.exception("SIP2 %s: error in the connection", peer)
            ending = "closed after an error"
        finally:
            if writer is None:
                sock.close()
            elif writer.transport.get_write_buffer_size():
                writer.transport.abort()  # what is left could not be sent anyway
            else:
                writer.close()
            logger.log(level, "SIP2 %s: %s", peer, ending)

    async def _converse(
        self,
        session: handlers.Session,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        login_deadline: float,
    ) -> tuple[int, str]:
        """Read and answer messages until the connection ends; how it ended, for the log."""
        assert self._workers is not None
        loop = asyncio.get_running_loop()
        buffer = b""
        while not session.close:
            logged_in = session.terminal is not None
            deadline = loop.time() + self.idle_timeout if logged_in else login_deadline
            try:
                async with asyncio.timeout_at(deadline):
                    data = await reader.read(READ_SIZE)
            except TimeoutError:
                if logged_in:
                    return logging.INFO, f"closed: nothing received for {self.idle_timeout:g} s"
                return logging.INFO, f"closed: no login within {self.login_timeout:g} s"
            except OSError:
                return logging.INFO, "disconnected"
            if not data:
                return logging.INFO, "disconnected"
            buffer += data
            frames, buffer = codec.split_frames(buffer)
            if len(buffer) > MAX_FRAME:
                logger.warning(
                    "SIP2 %s: %d bytes without a message terminator; dropped",
                    session.peer,
                    len(buffer),
                )
                buffer = b""
            for frame in frames:
                reply = await self._workers.run(functools.partial(_answer, session, frame))
                command = frame[:2].decode("ascii", "replace")
                if writer.is_closing():
                    return logging.WARNING, (
                        f"disconnected while its message {command} was being answered; "
                        "the answer was not sent"
                    )
                if session.pause:
                    # A refused login is answered after a pause (handlers.login), taken
                    # here so that it holds no thread.
                    await asyncio.sleep(session.pause)
                    session.pause = 0
                if reply:
                    writer.write(reply)
                    try:
                        async with asyncio.timeout(self.idle_timeout):
                            await writer.drain()
                    except OSError:
                        return logging.WARNING, (
                            f"disconnected while the answer to its message {command} was being sent"
                        )
                    except TimeoutError:
                        return logging.WARNING, (
                            f"closed: the answer to its message {command} could not be sent "
                            f"for {self.idle_timeout:g} s"
                        )
                if session.close:
                    break
        return logging.INFO, "closed"  # the handler has logged why


def tls_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(certfile=str(cert), keyfile=str(key))
    return context


def start_in_thread(host: str = "127.0.0.1", port: int = 0) -> tuple[SipServer, threading.Thread]:
    """A server on a free port (port 0) serving from a background thread; stop it with
    `server.shutdown(); server.server_close()`."""
    server = SipServer((host, port))
    thread = threading.Thread(target=server.serve_forever, name="sip2", daemon=True)
    thread.start()
    return server, thread


def serve_in_processes(server: SipServer, workers: int) -> None:
    """Serve from `workers` forked processes sharing the listening socket, each with its
    own event loop, threads and database connections, so that the Python work of answering
    uses every core. Returns when interrupted (SIGINT or SIGTERM), after stopping the
    workers."""
    connections.close_all()  # a database connection must never cross a fork
    children: list[int] = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops us
            try:
                server.serve_forever()
            finally:
                os._exit(0)
        children.append(pid)

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        while children:
            pid, _status = os.wait()
            children.remove(pid)
            logger.error("SIP2 worker %d ended; %d left", pid, len(children))
    except KeyboardInterrupt:
        pass
    finally:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        for pid in children:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
