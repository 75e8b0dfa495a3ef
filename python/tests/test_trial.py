"""Virtual trials from Python: the same store as `nksim trial run`, read back as DataFrames."""
import shutil

import numpy as np
import pandas as pd
import pytest

import nksim


def small_trial(scenarios, directory, patients=12):
    """scenarios/trial_nk_dose.toml with fewer patients, beside a copy of its base scenario."""
    shutil.copy(scenarios / "trial_nk_dose_base.toml", directory)
    text = (scenarios / "trial_nk_dose.toml").read_text()
    assert "patients = 200" in text
    trial = directory / "trial.toml"
    trial.write_text(text.replace("patients = 200", f"patients = {patients}"))
    return trial


def test_run_trial_matches_the_command_line(scenarios, run_cli, tmp_path):
    trial_file = small_trial(scenarios, tmp_path)
    trial = nksim.run_trial(trial_file, tmp_path / "py", threads=2)
    assert trial.num_patients == 12 and trial.arms == ["nk_1e6", "nk_3e6"]

    endpoints = trial.endpoints
    assert isinstance(endpoints, pd.DataFrame)
    assert len(endpoints) == 24 and endpoints["ok"].all()
    assert set(endpoints["category"]) <= {"CR", "PR", "SD", "PD"}
    assert list(trial.patients.columns) == ["patient", "a", "c", "initial.T", "parameter_set"]
    assert set(trial.patients["parameter_set"]) <= {"mouse_nn", "mouse_nl"}
    assert trial.units["c"] == "1/(cell day)"

    # The command line, run separately, stores the same numbers; export writes them as CSV.
    cli = run_cli("trial", "run", trial_file, "--out", tmp_path / "cli", "--threads", 1)
    assert cli.returncode == 0, cli.stderr
    assert run_cli("trial", "export", tmp_path / "cli").returncode == 0
    exported = pd.read_csv(tmp_path / "cli" / "endpoints.csv")
    from_cli = nksim.read_trial(tmp_path / "cli").endpoints
    for column in ("best_pct_change", "survival_days", "final_tumour", "peak"):
        np.testing.assert_array_equal(from_cli[column], endpoints[column], err_msg=column)
        np.testing.assert_allclose(exported[column], endpoints[column], rtol=1e-14,
                                   err_msg=column)
    assert list(from_cli["category"]) == list(endpoints["category"])

    # A bigger dose never leaves more tumour behind, patient by patient (eliminated tumours end
    # at solver noise, well below one cell, hence the slack of one cell).
    by_arm = endpoints.pivot(index="patient", columns="arm", values="final_tumour")
    assert (by_arm["nk_3e6"] <= by_arm["nk_1e6"] * (1 + 1e-9) + 1).all()

    t, tumour = trial.series(0, "nk_1e6")
    assert t[0] == 0 and t[-1] == 60 and len(t) == len(tumour)
    assert tumour[0] == pytest.approx(trial.patients["initial.T"][0], rel=1e-12)


def test_trial_errors(scenarios, tmp_path):
    with pytest.raises(nksim.InputError):
        nksim.read_trial(tmp_path / "nothing")
    trial_file = small_trial(scenarios, tmp_path)
    trial_file.write_text(trial_file.read_text().replace("patients = 12", "patients = -1"))
    with pytest.raises(nksim.InputError, match=r"trial\.toml:\d+:\d+: 'trial.patients'"):
        nksim.run_trial(trial_file, tmp_path / "out")
    assert not (tmp_path / "out").exists()
