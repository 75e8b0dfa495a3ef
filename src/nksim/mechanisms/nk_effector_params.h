// Typed parameters of one effector cell type of nk_recognition_kill, read from
// [mechanisms.nk_recognition_kill.<type>] (keys: docs/mechanisms/nk_recognition_kill.md).
#pragma once

#include "nksim/io/toml_reader.h"
#include "nksim/mechanisms/builtin.h"
#include "nksim/rules/nk_capacity.h"
#include "nksim/rules/nk_delay.h"
#include "nksim/rules/nk_escape.h"
#include "nksim/rules/nk_ifn_gamma.h"
#include "nksim/rules/nk_recognition.h"

namespace nksim {

struct EffectorParams {
  rules::nk::RecognitionParams recognition;
  rules::nk::TCellKillParams t_cell;
  rules::nk::KillDelayParams delay;
  rules::nk::CapacityParams capacity;
  rules::nk::GranuleParams granules;
  rules::nk::ExhaustionParams exhaustion;
  double perforin_deficient_fraction = 0;
  double contact_distance_factor = 1.1;
  double failed_contact_min = 6;
  double refractory_min = 10;
  int cytokine_field = -1;
  double cytokine_level = 0;
  int soluble_ligand_field = -1;  // NKG2D down-modulation by soluble ligand (rules/nk_escape.h)
  rules::nk::Nkg2dModulationParams nkg2d;
};

// Reads every effector key of `sub` except `role` (the caller's).
EffectorParams read_effector_params(TableReader& sub, bool t_cell, const SetupContext& context);

}  // namespace nksim
