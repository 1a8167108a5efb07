"""The offline guard that nbval's kernels load really blocks the network."""

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from conftest import OFFLINE_IPYTHONDIR


def run(code: str) -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    NotebookClient(nb, timeout=60, kernel_name="python3").execute()


@pytest.mark.notebooks
def test_kernels_started_by_the_suite_use_the_offline_profile(monkeypatch):
    monkeypatch.setenv("IPYTHONDIR", str(OFFLINE_IPYTHONDIR))
    with pytest.raises(CellExecutionError, match="network access is blocked"):
        run("import urllib.request\nurllib.request.urlopen('https://cdn.plot.ly/', timeout=5)")


@pytest.mark.notebooks
def test_loopback_is_still_allowed(monkeypatch):
    monkeypatch.setenv("IPYTHONDIR", str(OFFLINE_IPYTHONDIR))
    run("import socket\ns = socket.socket()\ns.bind(('127.0.0.1', 0))\ns.listen()\n"
        "c = socket.create_connection(s.getsockname(), timeout=5)\nc.close(); s.close()")
