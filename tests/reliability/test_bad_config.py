"""A bad icegraph.yaml is refused before anything is written: `icegraph schema --apply` and `icegraph sync` exit 2 with
`file:line: field: message`, and the emulator (journalling every acknowledged change) received no write at all."""
import pytest
import requests

from ..sync.conftest import run_icegraph
from .warehouse import make_warehouse, write_config

# (what is wrong, the line to change, its replacement, the field, the message); the line is found in the config.
CASES = [
    ("unknown key", "sink: {bulk_threshold_rows: 1, vertex_must_exist: false}",
     "sink: {bulk_threshold_rows: 1, vertex_must_exist: false, chunkmb: 4}", "sink.chunkmb",
     "unknown key (did you mean 'chunk_mb'? allowed: mode, bulk_threshold_rows, chunk_mb, vertex_must_exist)"),
    ("missing column", "          age: age", "          age: agee", "mappings[0].vertices[0].attributes.age",
     "column 'agee' not found"),
    ("type that cannot map", "          born: born", "          born: {expr: born, type: INT}",
     "mappings[0].vertices[0].attributes.born", "born cannot be mapped to INT"),
    ("malicious identifier", "      - type: KNOWS", '      - type: "x; DROP ALL"', "mappings[1].edges[0].type",
     "'x; DROP ALL' is not a valid identifier ([A-Za-z_][A-Za-z0-9_]*)"),
    ("reserved word", "          score: score", "          hour: score", "mappings[0].vertices[0].attributes.hour",
     "'hour' is a GSQL reserved word"),
    ("edge to an unmapped vertex type", "        to: {type: Person, id: dst}", "        to: {type: Company, id: dst}",
     "mappings[1].edges[0].to.type", "vertex type 'Company' is not mapped by any table"),
    ("type mapped as vertex and edge", "      - type: KNOWS", "      - type: Person", "mappings[1].edges[0]",
     "'Person' is mapped as a vertex type (line 9) and as an edge type"),
    ("alias given twice", "        discriminator: [since]",
     "        discriminator: [since]\naliases: {p: Person, p: KNOWS}", "aliases.p", "given twice (first at line 27)"),
]


@pytest.mark.parametrize("what,line,replacement,field,message", CASES, ids=[c[0] for c in CASES])
def test_bad_config_is_refused_before_any_write(what, line, replacement, field, message, emulator_factory, tmp_path,
                                                monkeypatch):
    journal_dir = tmp_path / "emulator"
    emu = emulator_factory("--username", "tigergraph", "--password", "tigergraph", "--data-dir", str(journal_dir))
    monkeypatch.setenv("VAL_TG_PASSWORD", emu.password)
    wh = tmp_path / "wh"
    wh.mkdir()
    make_warehouse(wh)
    config = write_config(tmp_path / "icegraph.yaml", wh, emu.url, f"sqlite:///{tmp_path}/state.db")
    text = config.read_text()
    lines = text.splitlines()
    assert line in lines, line
    config.write_text(text.replace(line + "\n", replacement + "\n", 1))
    # The error names the line of the changed entry, or of the second "p" for the alias given twice.
    at = lines.index(line) + 1 + (1 if what == "alias given twice" else 0)
    want = f"icegraph: Invalid: {config}:{at}: {field}: {message}\n"
    for command in (["schema", "--apply"], ["sync"], ["sync", "--full", "--skip-check"], ["validate"]):
        out = run_icegraph(*command, config=config, check=False)
        assert (out.returncode, out.stderr, out.stdout) == (2, want, ""), command

    # Nothing was written: no state database, and nothing reached TigerGraph (no journal record, not even a token;
    # no graph).
    assert not (tmp_path / "state.db").exists()
    journal = journal_dir / "journal.log"
    assert not journal.exists() or journal.stat().st_size == 0
    r = requests.get(f"{emu.url}/gsql/v1/schema/graphs/vg", auth=(emu.user, emu.password))
    assert r.json()["error"] is True and "does not exist" in r.json()["message"]
