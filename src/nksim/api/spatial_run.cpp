#include "nksim/api/spatial_run.h"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "nksim/api/spatial_sweep.h"
#include "nksim/core/error.h"
#include "nksim/core/interrupt.h"
#include "nksim/core/text.h"
#include "nksim/io/output_dir.h"
#include "nksim/io/spatial_output.h"
#include "nksim/io/spatial_scenario.h"
#include "nksim/io/well_mixed_output.h"

namespace nksim {

RunReport run_spatial(const TomlDocument& document, const RunOptions& options) {
  if (has_sweep(document)) return run_spatial_sweep(document, options);
  SpatialModel model = load_spatial(document, options.threads);
  for (const auto& w : model.warnings) std::fprintf(stderr, "nksim: warning: %s\n", w.c_str());
  OutputDirectory::check_target(options.out_dir);
  Simulation& sim = *model.simulation;
  const SpatialOutputSettings& out_settings = model.output;
  OutputDirectory out(options.out_dir);
  SpatialRecorder recorder(sim, out.staging());
  const bool progress = options.progress && isatty(fileno(stderr));

  const double dt = sim.settings().dt_mechanics_min;
  const auto every = [dt](double interval) {
    return interval > 0 ? std::max<std::uint64_t>(1, std::llround(interval / dt)) : 0;
  };
  const std::uint64_t counts_every = every(out_settings.output_interval_min);
  const std::uint64_t snapshot_every = every(out_settings.snapshot_interval_min);
  const auto start = std::chrono::steady_clock::now();
  recorder.record_counts(sim);
  if (snapshot_every) recorder.snapshot(sim);
  std::uint64_t last_counts = 0;
  while (sim.time_min() < out_settings.end_time_min - 1e-3 * dt) {
    throw_if_interrupted("spatial run");
    sim.step();
    const std::uint64_t s = sim.mechanics_steps();
    if (s % counts_every == 0) {
      recorder.record_counts(sim);
      last_counts = s;
      for (double v : recorder.last_row()) {
        if (!std::isfinite(v)) {
          throw NumericalError("spatial run: a field total became " + format_number(v) +
                               " at t = " + format_number(sim.time_min()) + " min");
        }
      }
    }
    if (snapshot_every && s % snapshot_every == 0) recorder.snapshot(sim);
    if (progress && s % 10 == 0) {
      std::fprintf(stderr, "\r  t = %.1f / %.1f min, %zu agents   ", sim.time_min(),
                   out_settings.end_time_min, sim.agents().size());
    }
  }
  if (last_counts != sim.mechanics_steps()) recorder.record_counts(sim);
  if (progress) std::fprintf(stderr, "\n");
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  recorder.finish(sim);
  write_json(out.file("summary.json"),
             spatial_summary(sim, recorder, document.file(), fnv1a_hex(document.text()), wall));
  out.commit();

  RunReport report;
  report.engine = "spatial";
  report.out_dir = options.out_dir;
  std::ostringstream line;
  line << "spatial " << sim.domain().dim << "-D: " << sim.agents().size()
       << " agents at t = " << format_number(sim.time_min(), 6) << " min ("
       << count_of(sim.threads(), "thread") << ", " << format_number(wall, 3) << " s)";
  report.headline = line.str();
  return report;
}

std::string validate_spatial(const TomlDocument& document) {
  if (has_sweep(document)) return validate_spatial_sweep(document);
  SpatialModel model = load_spatial(document, 1);
  const Simulation& sim = *model.simulation;
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
  return text;
}

}  // namespace nksim
