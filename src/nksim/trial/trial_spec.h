// A virtual trial as a trial file describes it (docs/trials.md): a base scenario (well-mixed or
// spatial), per-patient distributions (optionally correlated), a sampler, arms and endpoints.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "nksim/io/toml_reader.h"
#include "nksim/io/well_mixed_scenario.h"
#include "nksim/trial/distributions.h"
#include "nksim/trial/samplers.h"

namespace nksim {

// One arm: the base scenario's doses, none, the base doses scaled, or its own list.
struct ArmSpec {
  std::string name;
  std::string description;
  std::optional<std::vector<DoseSpec>> doses;  // replaces the base doses when set
  double dose_scale = 1;                       // multiplies every dose amount and rate
};

// A state compared with a level (docs/trials.md, "Threshold endpoints"). At one day: e.g.
// expansion = donor NK cells E above 100 per uL on day 14; the value is read at that day
// (interpolated linearly between output times when it falls between two). Or, with `first`, a
// time to an event: the days from `day` until the state first goes above (below) the level,
// e.g. relapse = BCR-ABL1 transcripts above 0.1 % after a treatment stop, or persistence =
// donor cells falling below detection after an infusion; censored at follow-up.
struct ThresholdSpec {
  std::string name;    // one word, unique among the trial's thresholds
  std::string state;   // a state of the model
  double day = 0;      // at: in (0, follow_up_days]; first: the landmark, in [0, follow_up_days)
  double level = 0;    // in the state's unit
  bool above = true;   // met when the value is > level (above) or < level (below)
  bool first = false;  // a time to the first crossing after `day` rather than a value on `day`
};

// How endpoints are computed from a run (docs/trials.md, "Endpoints").
struct EndpointSpec {
  double assessment_day = 0;     // RECIST-like category and best % change up to this day
  double pr_below_pct = -30;     // partial response: best change <= this
  double pd_above_pct = 20;      // progressive disease: change at assessment >= this; progression:
                                 // growth by this much above the nadir
  double death_above = 0;        // death when the tumour reaches this many cells
  double elimination_below = 1;  // elimination (complete response) below this many cells
  std::string peak_state;        // optional: report the peak of this state
  double peak_after_days = 0;    // the peak is taken over the output times at or after this day
  std::vector<ThresholdSpec> thresholds;  // [[endpoints.threshold]], in file order
  bool store_timeseries = true;
};

struct TrialSpec {
  std::string name;
  std::filesystem::path file;
  std::filesystem::path base_file;
  std::string file_hash;  // FNV-1a of the trial file and the base scenario file
  std::string text;       // the trial file (stored in the database)
  std::string base_text;  // the base scenario file (stored in the database)
  std::uint64_t seed = 0;
  std::size_t patients = 0;
  SamplerKind sampler = SamplerKind::kLatinHypercube;
  double follow_up_days = 0;
  std::string engine = "well_mixed";  // the base scenario's engine: "well_mixed" or "spatial"
  WellMixedScenario base;             // well-mixed base
  // Spatial base: the scenario as a value; a patient's run is this document with the sampled
  // values, the arm's dose scale, the patient's seed and the follow-up set (trial/spatial_plan.h).
  std::optional<TomlDocument> spatial_base;
  std::string tumour_type;                // spatial: the cell type whose live count is the tumour
  std::vector<std::string> spatial_series;  // spatial: the counts.csv columns stored per patient
  std::vector<Distribution> distributions;
  std::vector<std::size_t> correlated;  // indices into distributions
  std::vector<double> correlation;      // correlated.size()^2, row-major
  std::vector<ArmSpec> arms;
  EndpointSpec endpoints;

  // "depillis2006" (the well-mixed model) or "spatial".
  std::string model_name() const;
  // The stored series that is the tumour: the model's tumour state, or "<tumour_type>_live".
  std::string tumour_state() const;
  // Every stored series: the model's states, or the spatial base's counts.csv columns.
  struct Series {
    std::string name, unit, description;
  };
  std::vector<Series> series() const;
  // The unit of a distribution's target ("" when unknown or a label).
  std::string target_unit(const std::string& target) const;
};

// Reads and validates a trial file and its base scenario. Every error is an InputError naming
// the file, line and key; nothing is written.
TrialSpec parse_trial_file(const std::filesystem::path& file);

}  // namespace nksim
