"""docs/grafana-dashboard.json: every query names only metrics the service exports (read from /metrics after a
sync), and the dashboard shows lag, throughput and dead letters."""
import json
import re
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "docs" / "grafana-dashboard.json"
# PromQL words that look like names; everything else of this form in a query must be a metric.
PROMQL = {"sum", "max", "min", "by", "rate", "increase", "histogram_quantile", "le", "avg", "without"}


def exported(svc):
    """Metric names /metrics serves: families and, for counters and histograms, their sample names."""
    r = svc.get("/metrics")
    assert r.status_code == 200
    names = set()
    for fam in text_string_to_metric_families(r.text):
        names.add(fam.name)
        names.update(s.name for s in fam.samples)
        if fam.type == "counter":
            names.add(fam.name + "_total")
        if fam.type == "histogram":
            names.update(fam.name + suffix for suffix in ("_bucket", "_sum", "_count"))
    return names


def test_every_grafana_query_names_an_exported_metric(svc):
    assert svc.get("/api/sync/batch/").status_code == 200
    names = exported(svc)
    doc = json.loads(DASHBOARD.read_text())
    queried = set()
    for panel in doc["panels"]:
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            # Label names inside by (...) and {...} and template variables are not metrics.
            expr = re.sub(r"\b(by|without)\s*\([^)]*\)|\{[^}]*\}|\$\w+|\[[^\]]*\]", " ", target["expr"])
            words = set(re.findall(r"[A-Za-z_:][A-Za-z0-9_:]*", expr)) - PROMQL
            assert words, target["expr"]
            assert words <= names, (panel["title"], sorted(words - names))
            queried |= words
    assert {"icegraph_table_lag_seconds", "icegraph_table_lag_snapshots", "icegraph_rows_read_total",
            "icegraph_dead_letters_total", "icegraph_sync_run_seconds_bucket"} <= queried
