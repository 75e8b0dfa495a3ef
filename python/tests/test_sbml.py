"""SBML from Python: export a scenario or a model, run an imported model like a built-in one."""
import numpy as np
import pytest

import nksim
from conftest import read_csv

KUZNETSOV = {
    "simulation": {"engine": "well_mixed", "model": "kuznetsov1994", "end_time_days": 120,
                   "output_interval_days": 1},
    "initial": {"E": 3.2e5, "T": 5e7},
    "parameters": {"a": 0.18},
    "dose": [{"state": "E", "time_days": 30, "amount": 1e6}],
}


def test_a_scenario_exported_and_imported_runs_as_the_native_model(tmp_path):
    scenario = nksim.Scenario.from_dict(KUZNETSOV).with_value("parameters.a", 0.2)
    xml = scenario.to_sbml()
    assert xml.startswith("<?xml") and 'level="3"' in xml and 'version="2"' in xml
    (tmp_path / "k.xml").write_text(xml)
    imported = nksim.Scenario.from_dict({
        "simulation": {"engine": "well_mixed", "model": "sbml", "sbml": str(tmp_path / "k.xml"),
                       "end_time_days": 120, "output_interval_days": 1}})
    native, again = scenario.run(), imported.run()
    assert again.state_names == native.state_names
    # The round trip tolerance of docs/sbml.md: 1e-6 relative (the solver's own error).
    np.testing.assert_allclose(again.values, native.values, rtol=1e-6)


def test_export_sbml_of_a_model_and_errors():
    xml = nksim.export_sbml("depillis2005", "mouse_nl")
    assert "depillis2005" in xml and "<rateRule" in xml
    with pytest.raises(nksim.InputError, match="did you mean 'depillis2005'"):
        nksim.export_sbml("depillis2050")


def test_the_shipped_sbml_scenario_matches_the_command_line(scenarios, run_cli, tmp_path):
    cli = run_cli("run", scenarios / "sbml_tumour_nk.toml", "--out", tmp_path / "out")
    assert cli.returncode == 0, cli.stderr
    csv = read_csv(tmp_path / "out" / "timeseries.csv")
    result = nksim.load(scenarios / "sbml_tumour_nk.toml").run()
    for state in result.state_names:
        # timeseries.csv clips the solver's tiny negative values (an eliminated tumour) at 0.
        np.testing.assert_allclose(np.maximum(result[state], 0), csv[state], rtol=1e-14, atol=0,
                                   err_msg=state)
    # Stepping an imported model and dosing it by SBML id works as for a built-in one.
    run = nksim.load(scenarios / "sbml_tumour_nk.toml").start()
    run.advance_to(3)
    assert set(run.state) == {"T", "N"}
    run.dose("N", 1e7)
    dosed = run.finish()
    assert dosed["N"][7] > result["N"][7] + 1e6  # day 3.5: the extra NK cells are there
    assert dosed["T"][-1] <= result["T"][-1] + 1  # both eliminated: solver noise below a cell
