"""An nbclient ``NotebookClient`` that does not lose a cell's reply (used by the bench and the tests).

nbclient waits for a cell's ``execute_reply`` with one poll of the shell socket that lasts the
whole cell timeout. When a cell's output goes to an ipywidgets ``Output`` widget (every
``interact`` does that), nbclient answers each captured output with a comm message sent on that
same socket while the poll is waiting. ZeroMQ's wake-up signal is edge-triggered, and such a send
can consume it: the reply is already in the socket, but the poll only finds it when its timeout
ends (with ``jupyter nbconvert --execute``'s default of no timeout, never). Seen here as
executions of 00, 01 and 05 that stalled at an ``interact`` cell, kernel idle: the log of one
showed the kernel's ``idle`` status at once and the reply taken 59.5 s later, when the 60 s
timeout ran out.

:class:`RepollingNotebookClient` polls the shell socket in steps of :data:`POLL_SECONDS`. Each
step ends with a fresh look at the socket, so a lost wake-up costs at most one step, and the
cell timeout still holds as a whole.
"""
import inspect
from queue import Empty
from time import monotonic

from nbclient import NotebookClient

POLL_SECONDS = 1.0


def repolling(get_msg, step=POLL_SECONDS):
    """``get_msg(timeout)`` (a channel's, async or blocking), called in polls of at most ``step``
    seconds until a message comes or ``timeout`` (None: no limit) has passed; then ``queue.Empty``."""
    async def get_msg_in_steps(timeout=None):
        deadline = None if timeout is None else monotonic() + timeout
        while True:
            wait = step if deadline is None else min(step, max(0.0, deadline - monotonic()))
            try:
                msg = get_msg(timeout=wait)
                return (await msg) if inspect.isawaitable(msg) else msg
            except Empty:
                if deadline is not None and monotonic() >= deadline:
                    raise
    return get_msg_in_steps


class RepollingNotebookClient(NotebookClient):
    """``NotebookClient`` whose kernel client polls its shell channel with :func:`repolling`."""

    async def async_start_new_kernel_client(self):
        kc = await super().async_start_new_kernel_client()
        kc.shell_channel.get_msg = repolling(kc.shell_channel.get_msg)
        return kc
