// The record of effector kills kept by nk_recognition_kill, and its read-outs for summary.json:
// kills per effector (histogram, fraction killing nothing, share of kills by the top killers) and
// contact-to-death latency per killing pathway. Pure functions of the log, tested on their own.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nksim/rules/nk_delay.h"

namespace nksim {

struct KillRecord {
  std::uint64_t effector_id = 0;
  std::uint64_t target_id = 0;
  int effector_type = 0;
  int target_type = 0;
  rules::nk::KillPathway pathway = rules::nk::KillPathway::kNone;
  double contact_min = 0;  // time the conjugate formed
  double death_min = 0;    // time the target died
};

struct EffectorTally {
  int type = 0;
  int capacity = 0;
  bool perforin_deficient = false;
  int contacts = 0;
  int hits = 0;             // lethal hits delivered (committed conjugates)
  int confirmed_kills = 0;  // targets that then died of the hit
};

// Statistics of a sample: count, mean, standard deviation, median, min, max.
nlohmann::json describe(std::vector<double> values);

// Read-outs for the effectors of one type: kills-per-effector histogram (index = kills),
// fraction killing nothing, fraction killing >= 3, share of all kills made by the top 20 % of
// effectors, and latency statistics per pathway.
nlohmann::json effector_readouts(int type, const std::map<std::uint64_t, EffectorTally>& tallies,
                                 const std::vector<KillRecord>& kills);

}  // namespace nksim
