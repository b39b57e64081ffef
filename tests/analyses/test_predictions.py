"""Tissue predictions: the documented target and cell-type comparisons (necro_sbml.analyses.predictions)."""

from __future__ import annotations


def test_predictions_report_writes_tables_and_charts(tmp_path):
    """The documented prediction runs write their CSVs and bar charts; RIPK1 inhibition preserves bone in OVX."""
    import io

    import pandas as pd

    from necro_sbml.analyses.predictions import predictions_report

    out = predictions_report(tmp_path / "pred", progress=io.StringIO())
    targets = pd.read_csv(out / "target_comparison.csv")
    assert {"target_comparison.png", "cell_type_specificity.png", "cell_type_specificity.csv"} <= {p.name for p in out.iterdir()}
    ovx = targets[targets["disease"] == "OVX"].set_index("drug")
    assert ovx.loc["Nec1", "bone_preserved"] > 0.05
