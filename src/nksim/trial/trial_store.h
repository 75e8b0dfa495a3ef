// The SQLite file of a trial (DIR/trial.sqlite): metadata (with the trial and base scenario
// text), arms, states, patients (one REAL column per sampled quantity), one endpoint row per
// (patient, arm) and, optionally, every state's time series as a long table. Each finished
// plan is committed in its own transaction, so a killed run loses nothing it finished and
// restarts where it stopped. Schema: docs/trials.md.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "nksim/io/sqlite_db.h"
#include "nksim/trial/run_plan.h"
#include "nksim/trial/thread_runner.h"

namespace nksim {

class TrialStore {
 public:
  // Opens DIR/trial.sqlite, creating it with the trial's metadata and patients, or checks that
  // an existing one was written by this nksim version for the same trial file (hash);
  // InputError otherwise.
  TrialStore(const std::filesystem::path& dir, const TrialSpec& spec,
             const std::vector<Patient>& patients);
  // Leaves the database as one file: checkpoints the write-ahead log and switches to the
  // rollback journal, so no -wal or -shm file stays behind.
  ~TrialStore();
  TrialStore(const TrialStore&) = delete;
  TrialStore& operator=(const TrialStore&) = delete;
  // A part file for one MPI rank (schema only, no metadata).
  static TrialStore open_part(const std::filesystem::path& file);

  std::set<std::pair<std::size_t, std::size_t>> done_plans();
  void write(const PlanResult& result, std::uint64_t seed);
  // Moves every row of a part file into this store (skipping rows already here) and deletes it.
  void merge_part(const std::filesystem::path& part);
  std::size_t count_rows();
  std::size_t count_failed();
  // Sets failed_total, failed (those beyond `failed_before`) and first_failure.
  void summarise_failures(TrialRunSummary& summary, std::size_t failed_before);

  static std::filesystem::path database_path(const std::filesystem::path& dir) {
    return dir / "trial.sqlite";
  }

 private:
  explicit TrialStore(const std::filesystem::path& file);
  void write_series(const PlanResult& result);
  SqliteDb db_;
};

// Everything analysis and export read back from a trial database.
struct EndpointRow {
  std::size_t patient = 0;
  std::size_t arm = 0;
  bool ok = true;
  Endpoints endpoints;
};

struct TrialParameter {
  std::string name;          // distribution target: "c", "initial.T", "parameter_set"
  std::string distribution;  // kind
  std::string unit;          // of the model parameter or state; empty for labels
  bool label = false;        // stored as TEXT (a label), not REAL
};

struct TrialData {
  std::string name;
  std::uint64_t seed = 0;
  std::size_t patients = 0;
  double follow_up_days = 0;
  std::string file_hash;
  std::vector<std::string> arms;
  std::string tumour_state;                      // the model's tumour state (series name)
  std::string model;                             // the base's model ("spatial"); "" if unknown
  std::vector<TrialParameter> parameters;        // sampled quantities, in distribution order
  std::vector<std::vector<double>> values;       // [patient][parameter]; NaN for labels
  std::vector<std::vector<std::string>> labels;  // [patient][parameter]; "" for numbers
  std::vector<EndpointRow> rows;                 // sorted by (patient, arm)
  std::vector<ThresholdSpec> thresholds;         // the threshold endpoints, in file order
};

// A value of the store's meta table; InputError naming the database when it is absent.
std::string trial_meta(SqliteDb& db, const std::string& key);

// Reads a trial database (InputError if DIR holds none).
TrialData load_trial(const std::filesystem::path& dir);

// Opens a trial database for reading. A database left in write-ahead-log mode (a run that
// was killed) is first folded back into one file, so reading it leaves no -wal or -shm file.
std::unique_ptr<SqliteDb> open_trial_database(const std::filesystem::path& dir);

// The time series of one state of one plan (empty when not stored).
std::pair<std::vector<double>, std::vector<double>> load_timeseries(SqliteDb& db,
                                                                    std::size_t patient,
                                                                    std::size_t arm,
                                                                    const std::string& state);

// Writes `text` to a hidden sibling first and renames it into place, so `file` is whole or
// absent (never half-written). Throws Error.
void write_file_atomically(const std::filesystem::path& file, const std::string& text);

// Writes DIR/patients.csv, DIR/endpoints.csv and DIR/timeseries.csv (when stored).
std::vector<std::filesystem::path> export_trial_csv(const std::filesystem::path& dir);

}  // namespace nksim
