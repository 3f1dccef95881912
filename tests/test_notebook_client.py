"""tools/notebook_client.py: the shell-channel wait is cut into slices, and still honours its timeout."""

import asyncio
import pathlib
from queue import Empty

import pytest
from conftest import load_script

ROOT = pathlib.Path(__file__).resolve().parent.parent
notebook_client = load_script("tools/notebook_client.py")


def _fake_get_msg(empty_slices):
    """An async get_msg that raises Empty (after sleeping its timeout) `empty_slices` times, then answers."""
    calls = []

    async def get_msg(timeout=None):
        calls.append(timeout)
        if len(calls) <= empty_slices:
            await asyncio.sleep(timeout)
            raise Empty
        return {"msg_type": "execute_reply"}

    return get_msg, calls


def test_a_reply_missed_by_one_wait_is_seen_by_the_next_slice(monkeypatch):
    monkeypatch.setattr(notebook_client, "SLICE", 0.01)
    get_msg, calls = _fake_get_msg(empty_slices=3)
    reply = asyncio.run(notebook_client._sliced(get_msg)(timeout=10))
    assert reply == {"msg_type": "execute_reply"}
    assert len(calls) == 4 and all(wait <= 0.01 for wait in calls)


def test_the_overall_timeout_still_raises_empty(monkeypatch):
    monkeypatch.setattr(notebook_client, "SLICE", 0.01)
    get_msg, calls = _fake_get_msg(empty_slices=10**6)
    with pytest.raises(Empty):
        asyncio.run(notebook_client._sliced(get_msg)(timeout=0.05))
    assert len(calls) >= 3 and calls[-1] <= 0.01  # several slices, the last one cut to the deadline


def test_the_client_class_is_nbclients():
    import nbclient

    assert issubclass(notebook_client.NotebookClient, nbclient.NotebookClient)


def test_both_ways_of_starting_a_kernel_client_use_the_sliced_wait():
    client_type = notebook_client.NotebookClient
    assert client_type.start_new_kernel_client is not notebook_client.nbclient.NotebookClient.start_new_kernel_client
    assert "async_start_new_kernel_client" in client_type.__dict__ and "start_new_kernel_client" in client_type.__dict__
