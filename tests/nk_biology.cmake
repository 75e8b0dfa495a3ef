# NK-cell biology: rule kernels (unit/rules/nk_*), mechanisms and validation scenarios.
nksim_add_test(unit_rules_nk_test SOURCES
  unit/rules/nk_event_probability_test.cpp
  unit/rules/nk_recognition_test.cpp
  unit/rules/nk_delay_test.cpp
  unit/rules/nk_capacity_test.cpp
  unit/rules/nk_ifn_gamma_test.cpp
  unit/rules/nk_escape_test.cpp
  LABELS unit)
nksim_add_test(unit_spatial_sweep_test SOURCES unit/api/spatial_sweep_test.cpp LABELS unit)
nksim_add_test(unit_session_test SOURCES unit/api/session_test.cpp LABELS unit)
nksim_add_test(mechanism_nk_kill_log_test SOURCES mechanisms/nk_kill_log_test.cpp
               LABELS mechanisms)
nksim_add_test(mechanism_nk_conjugate_test SOURCES mechanisms/nk_conjugate_test.cpp
               LABELS mechanisms)
nksim_add_test(mechanism_nk_ifn_escape_test SOURCES mechanisms/nk_ifn_escape_test.cpp
               LABELS mechanisms)
# Whole scenarios against published behaviours (a few seconds each).
nksim_add_test(mechanism_nk_validation_test SOURCES mechanisms/nk_validation_test.cpp
               LABELS validation)
nksim_add_test(mechanism_nk_infusion_test SOURCES mechanisms/nk_infusion_test.cpp
               LABELS mechanisms)
nksim_add_test(mechanism_systemic_supply_test SOURCES mechanisms/systemic_supply_test.cpp
               LABELS mechanisms)
# The same behaviours at seeds 1-8 (about a minute).
nksim_add_test(mechanism_nk_robustness_test SOURCES mechanisms/nk_robustness_test.cpp
               LABELS long)
nksim_add_test(mechanism_docs_test SOURCES mechanisms/mechanism_docs_test.cpp LABELS mechanisms)
