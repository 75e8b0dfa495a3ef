// A spatial run that can be built, stepped, looked into, changed and saved.
//
// `nksim run` drives every spatial scenario through a session; tests drive one directly:
//
//   nksim::SpatialSession session(nksim::TomlDocument::parse_file("scenarios/spheroid_2d.toml"));
//   session.advance_to(600);                     // ten hours
//   nksim::Simulation& sim = session.simulation();
//   sim.add_agent(nk_type, 0, 0, 0);             // change the tissue between steps
//   session.add_observer([](const nksim::Simulation& s) { /* after every step */ });
//   session.run_to_end();
//
// Between steps the state is whole: agents, fields, clocks and every mechanism's own state can
// be saved (save_state) and restored into a session built from the same scenario
// (restore_state); the restored run goes on bit for bit as the original would have.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "nksim/engine/simulation.h"
#include "nksim/io/spatial_scenario.h"

namespace nksim {

class StateWriter;
class StateReader;
class TomlDocument;

class SpatialSession {
 public:
  using Observer = std::function<void(const Simulation&)>;

  // Builds the run (initial populations placed). threads > 0 replaces the scenario's thread
  // count (results do not depend on it). Throws InputError naming the file, line and key.
  explicit SpatialSession(const TomlDocument& document, int threads = 0);

  Simulation& simulation() { return *model_.simulation; }
  const Simulation& simulation() const { return *model_.simulation; }
  const SpatialOutputSettings& output_settings() const { return model_.output; }
  // Inputs that will have no effect ("file:line: ..."), for the caller to show.
  const std::vector<std::string>& warnings() const { return model_.warnings; }
  const SpatialModel& model() const { return model_; }

  double time_min() const { return model_.simulation->time_min(); }
  double end_time_min() const { return model_.output.end_time_min; }
  bool finished() const { return !steps_left_before(end_time_min()); }

  // Called after every mechanics step, in the order added.
  void add_observer(Observer observer) { observers_.push_back(std::move(observer)); }

  // Steps until time_min() reaches t_min (to within a thousandth of a step) or the end of the
  // run, whichever is first. Between steps it checks for Ctrl-C and SIGTERM and throws
  // InterruptedError, leaving the state whole (a checkpoint can still be taken).
  void advance_to(double t_min);
  void run_to_end() { advance_to(end_time_min()); }

  // Checkpoints (see the header comment); restore_state throws InputError when the saved run
  // does not fit this scenario.
  void save_state(StateWriter& out) const;
  void restore_state(StateReader& in);

 private:
  bool steps_left_before(double t_min) const;
  SpatialModel model_;
  std::vector<Observer> observers_;
};

}  // namespace nksim
