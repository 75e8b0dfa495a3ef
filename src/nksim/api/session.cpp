#include "nksim/api/session.h"

#include <algorithm>

#include "nksim/core/interrupt.h"
#include "nksim/core/state_archive.h"
#include "nksim/io/toml_reader.h"

namespace nksim {

SpatialSession::SpatialSession(const TomlDocument& document, int threads)
    : model_(load_spatial(document, threads)) {}

bool SpatialSession::steps_left_before(double t_min) const {
  const Simulation& sim = *model_.simulation;
  return sim.time_min() < t_min - 1e-3 * sim.settings().dt_mechanics_min;
}

void SpatialSession::advance_to(double t_min) {
  Simulation& sim = *model_.simulation;
  const double until = std::min(t_min, end_time_min());
  while (steps_left_before(until)) {
    throw_if_interrupted("spatial run");
    sim.step();
    for (const Observer& observe : observers_) observe(sim);
  }
}

void SpatialSession::save_state(StateWriter& out) const { model_.simulation->save_state(out); }

void SpatialSession::restore_state(StateReader& in) { model_.simulation->restore_state(in); }

}  // namespace nksim
