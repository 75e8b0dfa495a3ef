#include "nksim/api/spatial_run.h"

#include <unistd.h>

#include <csignal>
#include <cstdlib>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>

#include "nksim/api/session.h"
#include "nksim/api/spatial_sweep.h"
#include "nksim/core/error.h"
#include "nksim/core/interrupt.h"
#include "nksim/core/state_archive.h"
#include "nksim/core/text.h"
#include "nksim/core/version.h"
#include "nksim/io/output_dir.h"
#include "nksim/io/spatial_output.h"
#include "nksim/io/well_mixed_output.h"

namespace nksim {
namespace fs = std::filesystem;
namespace {

// counts.csv rows and snapshots on the output clocks, and the check that every field total is
// finite (a blown-up field stops the run with exit code 3).
class SpatialOutputs {
 public:
  SpatialOutputs(const SpatialSession& session, fs::path dir)
      : recorder_(session.simulation(), std::move(dir)) {
    const double dt = session.simulation().settings().dt_mechanics_min;
    counts_every_ = steps_per_interval(session.output_settings().output_interval_min, dt);
    snapshot_every_ = steps_per_interval(session.output_settings().snapshot_interval_min, dt);
  }

  void start(const Simulation& sim) {
    recorder_.record_counts(sim);
    if (snapshot_every_) recorder_.snapshot(sim);
  }

  void after_step(const Simulation& sim) {
    const std::uint64_t s = sim.mechanics_steps();
    if (s % counts_every_ == 0) {
      recorder_.record_counts(sim);
      last_counts_ = s;
      check_finite_counts(recorder_.last_row(), sim.time_min());
    }
    if (snapshot_every_ && s % snapshot_every_ == 0) recorder_.snapshot(sim);
  }

  void finish(const Simulation& sim) {
    if (last_counts_ != sim.mechanics_steps()) recorder_.record_counts(sim);
    recorder_.finish(sim);
  }

  void save_state(StateWriter& out) const {
    recorder_.save_state(out);
    out.put_value("last_counts_step", last_counts_);
  }
  void restore_state(const StateReader& in) {
    recorder_.restore_state(in);
    last_counts_ = in.get_value<std::uint64_t>("last_counts_step");
  }

  const SpatialRecorder& recorder() const { return recorder_; }

 private:
  SpatialRecorder recorder_;
  std::uint64_t counts_every_ = 0;
  std::uint64_t snapshot_every_ = 0;
  std::uint64_t last_counts_ = 0;
};

// Checkpoints in <staging>/checkpoint: state.nksim (everything, StateWriter) and manifest.json
// (for people, and for `nksim resume`: the scenario, the interval, the time reached).
class Checkpoints {
 public:
  Checkpoints(const fs::path& staging, const TomlDocument& document, double every_min,
              const Simulation& sim)
      : folder_(staging / "checkpoint"),
        scenario_file_(fs::absolute(document.file()).string()),
        scenario_label_(document.file()),
        scenario_hash_(document.hash()),
        every_min_(every_min),
        every_steps_(steps_per_interval(every_min, sim.settings().dt_mechanics_min)) {}

  bool due(const Simulation& sim) const { return sim.mechanics_steps() % every_steps_ == 0; }
  fs::path state_file() const { return folder_ / "state.nksim"; }

  void write(const SpatialSession& session, const SpatialOutputs& outputs, double wall_seconds,
             const fs::path& target) const {
    fs::create_directories(folder_);
    StateWriter out;
    out.set_prefix("run/");
    out.put_text("nksim_version", kVersion);
    out.put_text("scenario_hash", scenario_hash_);
    out.put_text("scenario_file", scenario_label_);
    out.put_value("wall_seconds", wall_seconds);
    session.save_state(out);
    out.set_prefix("outputs/");
    outputs.save_state(out);
    out.write_file(state_file());
    const Simulation& sim = session.simulation();
    const nlohmann::json manifest = {
        {"nksim_version", kVersion},       {"scenario_file", scenario_file_},
        {"scenario_hash", scenario_hash_}, {"checkpoint_every_min", every_min_},
        {"time_min", sim.time_min()},      {"mechanics_steps", sim.mechanics_steps()},
        {"agents", sim.agents().size()},   {"out", fs::absolute(target).string()}};
    const fs::path temporary = folder_ / "manifest.json.writing";
    write_json(temporary, manifest);
    fs::rename(temporary, folder_ / "manifest.json");
  }

  const std::string& scenario_label() const { return scenario_label_; }

  // Restores the checkpoint when there is one and returns the wall seconds spent before it.
  // A checkpoint of another nksim version or of another scenario text is refused.
  std::optional<double> restore(SpatialSession& session, SpatialOutputs& outputs,
                                const fs::path& staging) {
    if (!fs::exists(state_file())) return std::nullopt;
    StateReader in = StateReader::read_file(state_file());
    in.set_prefix("run/");
    const std::string version = in.get_text("nksim_version");
    const std::string restart = "; remove " + staging.string() + " to start the run again";
    if (version != kVersion) {
      throw InputError(state_file().string() + ": the checkpoint was written by nksim " + version +
                       ", this is nksim " + kVersion + restart);
    }
    if (in.get_text("scenario_hash") != scenario_hash_) {
      throw InputError(state_file().string() + ": the checkpoint is of another version of " +
                       scenario_file_ + " (the file changed since; scenario hash " +
                       in.get_text("scenario_hash") + ", now " + scenario_hash_ + ")" + restart);
    }
    const double wall = in.get_value<double>("wall_seconds");
    scenario_label_ = in.get_text("scenario_file");
    in.set_prefix("");
    session.restore_state(in);
    in.set_prefix("outputs/");
    outputs.restore_state(in);
    return wall;
  }

 private:
  fs::path folder_;
  std::string scenario_file_;
  std::string scenario_label_;  // the scenario file as the first run was given it
  std::string scenario_hash_;
  double every_min_;
  std::uint64_t every_steps_;
};

// Empties a staging directory left by a run stopped before its first checkpoint.
void clear_staging(const fs::path& staging) {
  for (const auto& entry : fs::directory_iterator(staging)) {
    if (entry.path().filename() != ".lock") fs::remove_all(entry.path());
  }
}

// Test hook for checkpoint tests: NKSIM_TEST_SIGNAL_AT_STEP="STEP:SIGNAL" makes the run raise
// SIGNAL on itself right after mechanics step STEP (after its outputs and checkpoint), so that a
// test can stop a run at an exact step (SIGKILL: a crash between checkpoints; SIGTERM: a stop).
std::optional<std::pair<std::uint64_t, int>> test_signal_at_step() {
  const char* text = std::getenv("NKSIM_TEST_SIGNAL_AT_STEP");
  if (!text) return std::nullopt;
  unsigned long long step = 0;
  int signal_number = 0;
  if (std::sscanf(text, "%llu:%d", &step, &signal_number) != 2) return std::nullopt;
  return std::make_pair(static_cast<std::uint64_t>(step), signal_number);
}

std::string headline(const Simulation& sim, double wall) {
  std::ostringstream line;
  line << "spatial " << sim.domain().dim << "-D: " << sim.agents().size()
       << " agents at t = " << format_number(sim.time_min(), 6) << " min ("
       << count_of(sim.threads(), "thread") << ", " << format_number(wall, 3) << " s)";
  return line.str();
}

void check_checkpoint_options(const TomlDocument& document, const RunOptions& options) {
  if (options.checkpoint_every_min < 0 || !std::isfinite(options.checkpoint_every_min)) {
    throw InputError("--checkpoint-every must be a positive number of minutes");
  }
  if (options.checkpoint_every_min > 0 && has_sweep(document)) {
    throw InputError(document.file() +
                     ": checkpoints are not available for sweeps (each condition is short; "
                     "run a single condition with --checkpoint-every instead)");
  }
}

}  // namespace

RunReport run_spatial(const TomlDocument& document, const RunOptions& options) {
  check_checkpoint_options(document, options);
  if (has_sweep(document)) return run_spatial_sweep(document, options);
  SpatialSession session(document, options.threads);
  for (const auto& w : session.warnings()) std::fprintf(stderr, "nksim: warning: %s\n", w.c_str());
  const bool checkpointing = options.checkpoint_every_min > 0;
  std::optional<OutputDirectory> out;
  if (checkpointing) {
    out.emplace(options.out_dir, OutputDirectory::Resumable{});
  } else {
    out.emplace(options.out_dir);
  }
  Simulation& sim = session.simulation();
  SpatialOutputs outputs(session, out->staging());
  std::optional<Checkpoints> checkpoints;
  double wall_before = 0;
  bool resumed = false;
  if (checkpointing) {
    checkpoints.emplace(out->staging(), document, options.checkpoint_every_min, sim);
    if (const auto wall = checkpoints->restore(session, outputs, out->staging())) {
      wall_before = *wall;
      resumed = true;
      if (options.progress) {
        std::fprintf(stderr, "nksim: resuming %s from its checkpoint at t = %s min\n",
                     options.out_dir.c_str(), format_number(sim.time_min(), 6).c_str());
      }
    } else {
      clear_staging(out->staging());
    }
  }
  if (options.resume_only && !resumed) {
    throw InputError(options.out_dir.string() + ": there is no checkpoint to resume from");
  }
  if (!resumed) outputs.start(sim);

  const bool progress = options.progress && isatty(fileno(stderr));
  const auto start = std::chrono::steady_clock::now();
  const auto wall_now = [&] {
    return wall_before +
           std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  session.add_observer([&](const Simulation& s) { outputs.after_step(s); });
  if (checkpoints) {
    session.add_observer([&](const Simulation& s) {
      if (checkpoints->due(s) && !session.finished()) {
        checkpoints->write(session, outputs, wall_now(), options.out_dir);
      }
    });
  }
  if (const auto hook = test_signal_at_step(); hook && checkpoints) {
    session.add_observer([hook](const Simulation& s) {
      if (s.mechanics_steps() == hook->first) std::raise(hook->second);
    });
  }
  if (progress) {
    session.add_observer([&](const Simulation& s) {
      if (s.mechanics_steps() % 10 == 0) {
        std::fprintf(stderr, "\r  t = %.1f / %.1f min, %zu agents   ", s.time_min(),
                     session.end_time_min(), s.agents().size());
      }
    });
  }
  try {
    session.run_to_end();
  } catch (const InterruptedError& e) {
    if (!checkpoints) throw;
    checkpoints->write(session, outputs, wall_now(), options.out_dir);
    throw InterruptedError("spatial run interrupted by " + interrupt_name() +
                               " at t = " + format_number(sim.time_min(), 6) +
                               " min; checkpoint saved, continue with: nksim resume " +
                               options.out_dir.string(),
                           interrupt_signal());
  }
  outputs.finish(sim);
  if (progress) std::fprintf(stderr, "\n");
  const double wall = wall_now();
  const std::string label = checkpoints ? checkpoints->scenario_label() : document.file();
  write_json(out->file("summary.json"),
             spatial_summary(sim, outputs.recorder(), label, document.hash(), wall));
  out->commit();

  RunReport report;
  report.engine = "spatial";
  report.out_dir = options.out_dir;
  report.headline = headline(sim, wall);
  return report;
}

std::string validate_spatial(const TomlDocument& document) {
  if (has_sweep(document)) return validate_spatial_sweep(document);
  const SpatialSession session(document, 1);
  const SpatialModel& model = session.model();
  const Simulation& sim = session.simulation();
  std::string text = document.file() + ": valid spatial scenario (" +
                     std::to_string(sim.domain().dim) + "-D, " +
                     count_of(sim.types().size(), "cell type") + ", " +
                     count_of(sim.agents().size(), "initial agent") + ", " +
                     count_of(sim.fields().num_fields(), "field") + ", " +
                     count_of(sim.mechanisms().size(), "mechanism") + ", " +
                     format_number(model.output.end_time_min) + " min, about " +
                     format_number(std::ceil(model.estimated_rows), 6) + " rows of counts.csv" +
                     (model.estimated_snapshot_bytes > 0
                          ? ", about " + format_number(model.estimated_snapshot_bytes / 1e6, 3) +
                                " MB of snapshots)"
                          : ", no snapshots)");
  for (const auto& w : model.warnings) text += "\nwarning: " + w;
  if (const DiffusionSolver* solver = sim.diffusion_solver();
      solver != nullptr && sim.fields().num_fields() > 0) {
    if (auto w = solver->accuracy_warning(sim.fields(), sim.settings().dt_diffusion_min)) {
      text += "\nwarning: " + *w;
    }
  }
  return text;
}

}  // namespace nksim
