"""Well-mixed runs from Python agree with the command line and with themselves."""
import math

import numpy as np
import pytest

import nksim
from conftest import read_csv

KUZNETSOV = {
    "simulation": {"engine": "well_mixed", "model": "kuznetsov1994", "end_time_days": 200,
                   "output_interval_days": 1},
    "initial": {"E": 3.2e5, "T": 5e7},
    "endpoints": {"escape_above": 4e8},
}


def test_run_matches_the_command_line(scenarios, run_cli, tmp_path):
    # timeseries.csv holds 15 significant digits, so the two agree to 1e-14 relative.
    scenario_file = scenarios / "kuznetsov_dormancy.toml"
    cli = run_cli("run", scenario_file, "--out", tmp_path / "out")
    assert cli.returncode == 0, cli.stderr
    csv = read_csv(tmp_path / "out" / "timeseries.csv")

    result = nksim.load(scenario_file).run()
    assert result.state_names == ["E", "T"]
    assert result.units == {"E": "cells", "T": "cells"}
    np.testing.assert_array_equal(result.time_days, csv["time_days"])
    for state in ("E", "T"):
        np.testing.assert_allclose(result[state], csv[state], rtol=1e-14, atol=0)


def test_dict_file_and_string_are_the_same_scenario(tmp_path):
    from_dict = nksim.Scenario.from_dict(KUZNETSOV).run()
    text = nksim.Scenario.from_dict(KUZNETSOV).text
    from_string = nksim.Scenario.from_string(text, "k.toml").run()
    (tmp_path / "k.toml").write_text(text)
    from_file = nksim.load(tmp_path / "k.toml").run()
    for other in (from_string, from_file):
        np.testing.assert_array_equal(from_dict.values, other.values)
    assert from_dict.values.shape == (201, 2)


def test_editing_a_value_changes_the_run_and_not_the_original():
    # The scenario file's own comment: raise T0 from 5e7 to 8e7 and the tumour escapes.
    base = nksim.Scenario.from_dict({**KUZNETSOV, "simulation": {
        **KUZNETSOV["simulation"], "end_time_days": 400}})
    escaped = base.with_value("initial.T", 8e7)
    assert base["initial.T"] == 5e7 and escaped["initial.T"] == 8e7
    assert escaped.edits == [("initial.T", 8e7)]
    assert base.run().outcome == "neither"
    result = escaped.run()
    assert result.outcome == "escaped"
    assert result.escape_time_days is not None and 0 < result.escape_time_days < 400
    assert result.tumour_max > 4e8
    # In place, as a notebook would.
    base["initial.T"] = 8e7
    np.testing.assert_array_equal(base.run().values, result.values)


def test_stepping_equals_one_go_and_a_dose_equals_a_scheduled_bolus():
    scenario = nksim.Scenario.from_dict(KUZNETSOV)
    whole = scenario.run()
    run = scenario.start()
    for t in (0.5, 17, 17, 99.25, 150):
        run.advance_to(t)
        assert run.time_days == t
    state = run.state
    row = np.searchsorted(whole.time_days, 150)
    assert state["T"] == pytest.approx(whole["T"][row], rel=1e-12)
    np.testing.assert_array_equal(run.finish().values, whole.values)

    # A bolus of 1e6 effectors given at day 40 between steps = the same bolus in the scenario.
    stepped = scenario.start()
    stepped.advance_to(40)
    stepped.dose("E", 1e6)
    given = stepped.finish()
    scheduled = nksim.Scenario.from_dict({**KUZNETSOV, "dose": [
        {"state": "E", "time_days": 40, "amount": 1e6}]}).run()
    np.testing.assert_array_equal(given.values, scheduled.values)
    assert not np.array_equal(given.values, whole.values)


def test_dataframe_has_the_columns_of_timeseries_csv():
    frame = nksim.Scenario.from_dict(KUZNETSOV).run().to_dataframe()
    assert list(frame.columns) == ["time_days", "E", "T"]
    assert len(frame) == 201
    assert frame["T"].iloc[0] == 5e7


def test_errors_carry_the_file_line_and_key(scenarios):
    scenario = nksim.load(scenarios / "kuznetsov_dormancy.toml")
    scenario["simulation.end_time_days"] = -3
    with pytest.raises(nksim.InputError, match=r"kuznetsov_dormancy\.toml:7:\d+: "
                       r"'simulation.end_time_days' must be > 0, got -3"):
        scenario.run()
    with pytest.raises(ValueError):  # InputError is also a ValueError
        scenario.validate()

    typo = {**KUZNETSOV, "initial": {"E": 3.2e5, "Tumour": 5e7}}
    with pytest.raises(nksim.InputError, match=r"<dict>:\d+:\d+: .*'initial.Tumour'"):
        nksim.Scenario.from_dict(typo).run()
    with pytest.raises(nksim.InputError, match=r"'initial.T' is nan"):
        nksim.Scenario.from_dict({**KUZNETSOV, "initial": {"E": 1.0, "T": math.nan}})
    cyclic = {"simulation": {}}
    cyclic["simulation"]["again"] = cyclic
    with pytest.raises(nksim.InputError, match="nested deeper than 64 levels"):
        nksim.Scenario.from_dict(cyclic)
    with pytest.raises(nksim.InputError, match="'initial.T' does not fit in a 64-bit integer"):
        nksim.Scenario.from_dict({**KUZNETSOV, "initial": {"T": 10**30}})
    with pytest.raises(nksim.InputError, match="'initial.T' is a set"):
        nksim.Scenario.from_dict({**KUZNETSOV, "initial": {"T": {1}}})
    with pytest.raises(nksim.InputError, match="no such file|cannot|missing|not found"):
        nksim.load("no/such/scenario.toml")
    with pytest.raises(nksim.InputError, match="cannot be set to nan"):
        scenario.with_value("initial.T", math.nan)
    with pytest.raises(KeyError):
        scenario["initial.nothing"]
    with pytest.raises(nksim.InputError, match="no state 'Q'"):
        nksim.Scenario.from_dict(KUZNETSOV).start().dose("Q", 1)


def test_a_model_that_blows_up_is_a_numerical_error():
    # a < 0 is refused as input; a huge growth rate makes the solver give up instead.
    blowup = {**KUZNETSOV, "parameters": {"a": 1e6, "b": 0.0}}
    with pytest.raises(nksim.NumericalError):
        nksim.Scenario.from_dict(blowup).run()


def test_describe_lists_states_and_parameters():
    text = nksim.describe("kuznetsov1994")
    assert "Kuznetsov" in text and "1/(cell day)" in text
    with pytest.raises(nksim.InputError, match="did you mean 'kuznetsov1994'"):
        nksim.describe("kuznetsov1995")
    mechanism = nksim.describe("nk_recognition_kill", markdown=True)
    assert mechanism.startswith("|") or "| key |" in mechanism


def test_an_implausible_dose_is_a_warning_and_the_run_goes_ahead():
    # de Pillis 2005 is a mouse model: 9e11 NK cells is far above any murine transfer.
    scenario = nksim.Scenario.from_dict({
        "simulation": {"engine": "well_mixed", "model": "depillis2005", "end_time_days": 10},
        "initial": {"T": 1e6},
        "dose": [{"state": "N", "time_days": 1, "amount": 9e11}]})
    with pytest.warns(UserWarning, match=r"'dose\[1\].amount' = 9e\+11 .* above the plausible"):
        result = scenario.run()
    assert result.time_days[-1] == 10
