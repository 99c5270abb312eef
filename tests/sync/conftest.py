"""Fixtures for end-to-end syncs: an Iceberg warehouse written by pyiceberg, an emulator, an icegraph.yaml, and a
reader of the whole graph back through REST++."""
import json
import subprocess
from pathlib import Path

import pytest
import requests

from ..conftest import icegraph_bin


def run_icegraph(*args, config=None, check=True, timeout=300, env=None):
    cmd = [icegraph_bin(), *args]
    if config is not None:
        cmd += ["--config", str(config)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    if check and out.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} exited {out.returncode}\nstdout:\n{out.stdout}\nstderr:\n{out.stderr}")
    return out


class GraphReader:
    """Reads every vertex and edge of a graph through REST++ (as any TigerGraph client would)."""

    def __init__(self, emu, graph):
        self.emu, self.graph = emu, graph
        r = requests.post(f"{emu.url}/gsql/v1/tokens", json={"graph": graph}, auth=(emu.user, emu.password))
        r.raise_for_status()
        self.headers = {"Authorization": f"Bearer {r.json()['token']}"}

    def get(self, path):
        r = requests.get(f"{self.emu.url}/restpp{path}", headers=self.headers, timeout=60)
        r.raise_for_status()
        body = r.json()
        assert body["error"] is False, body
        return body["results"]

    def vertices(self, vtype):
        return {v["v_id"]: v["attributes"] for v in self.get(f"/graph/{self.graph}/vertices/{vtype}")}

    def edges(self, src_type, etype):
        """Edges of `etype` leaving every vertex of `src_type`: {(from_id, to_id, discriminator...): attributes}."""
        out = []
        for vid in self.vertices(src_type):
            for e in self.get(f"/graph/{self.graph}/edges/{src_type}/{requests.utils.quote(vid, safe='')}/{etype}"):
                out.append(e)
        return out


@pytest.fixture
def graph_reader():
    return GraphReader


def write_config(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def dead_letters(config):
    out = run_icegraph("dead-letters", "--export", "jsonl", config=config)
    return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
