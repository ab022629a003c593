"""Tests for scripts/notebook_client.py: a cell's reply is found within one poll step, however long the cell."""
import asyncio
import importlib.util
import time
from pathlib import Path
from queue import Empty

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("notebook_client", ROOT / "scripts" / "notebook_client.py")
notebook_client = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(notebook_client)


class SlowChannel:
    """A shell channel whose message is ready after ``ready_after`` seconds, but whose poll only
    sees it when the poll's own timeout ends (a lost wake-up), as ZeroMQ's poll does then."""

    def __init__(self, ready_after):
        self.ready_at = time.monotonic() + ready_after
        self.waits = []

    async def get_msg(self, timeout=None):
        self.waits.append(timeout)
        await asyncio.sleep(timeout)
        if time.monotonic() >= self.ready_at:
            return {"msg_type": "execute_reply"}
        raise Empty


def test_a_reply_is_found_within_one_step_of_its_arrival():
    channel = SlowChannel(ready_after=0.25)
    get_msg = notebook_client.repolling(channel.get_msg, step=0.1)
    start = time.monotonic()
    assert asyncio.run(get_msg(timeout=30)) == {"msg_type": "execute_reply"}
    assert time.monotonic() - start < 1.0              # not the 30 s a single poll would wait
    assert len(channel.waits) >= 3 and max(channel.waits) <= 0.1


def test_the_cell_timeout_still_holds_as_a_whole():
    channel = SlowChannel(ready_after=60)
    get_msg = notebook_client.repolling(channel.get_msg, step=0.1)
    start = time.monotonic()
    with pytest.raises(Empty):
        asyncio.run(get_msg(timeout=0.35))
    assert 0.3 <= time.monotonic() - start < 1.0
    assert asyncio.run(notebook_client.repolling(SlowChannel(0.15).get_msg, step=0.1)(timeout=None))


def test_a_blocking_channel_is_polled_in_steps_too():
    polls = []

    def get_msg(timeout=None):                    # a blocking client's channel (tests/test_student.py uses one)
        polls.append(timeout)
        if len(polls) < 3:
            raise Empty
        return {"msg_type": "execute_reply"}
    assert asyncio.run(notebook_client.repolling(get_msg, step=0.01)(timeout=5)) == {"msg_type": "execute_reply"}
    assert polls == [0.01, 0.01, 0.01]


@pytest.mark.slow
def test_the_client_executes_a_notebook_with_an_interact_cell():
    cells = ["from ipywidgets import interact\n"
             "def show(k=2):\n    print('k squared', k * k)\n"
             "interact(show, k=(0, 5));",
             "show(3)"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    notebook_client.RepollingNotebookClient(nb, timeout=120, kernel_name="python3").execute()
    assert nb.cells[1].outputs[0]["text"] == "k squared 9\n"
