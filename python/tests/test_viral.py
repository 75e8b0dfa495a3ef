"""Viral models from Python: the derived R0 column and the target-state read-outs agree with the
command line's timeseries.csv and summary.json."""
import json

import numpy as np

import nksim
from conftest import read_csv


def test_influenza_r0_and_readouts_match_the_command_line(scenarios, run_cli, tmp_path):
    scenario_file = scenarios / "influenza_nk_infusion.toml"
    cli = run_cli("run", scenario_file, "--out", tmp_path / "out")
    assert cli.returncode == 0, cli.stderr
    csv = read_csv(tmp_path / "out" / "timeseries.csv")
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())

    result = nksim.load(scenario_file).run()
    assert result.derived_names == ["R0"]
    assert result.units["R0"] == "-"
    np.testing.assert_allclose(result["R0"], csv["R0"], rtol=1e-14, atol=0)
    assert list(result.to_dataframe().columns) == list(csv)
    tumour = summary["tumour"]
    assert result.tumour_auc == tumour["auc"]
    assert result.tumour_final == tumour["final"]
    assert result.tumour_set_point_log10 == tumour["set_point_log10"]
    assert result.clearance_time_days == tumour["clearance_time_days"]
    # The infusion clears the virus (below 1 EID50/mL) before day 4; R0 starts at 206.4.
    assert result.clearance_time_days < 4
    assert abs(result["R0"][0] - 206.4) < 0.1
