#include "nksim/trial/mpi_runner.h"

#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "nksim/core/error.h"
#include "nksim/trial/progress.h"
#include "nksim/trial/trial_store.h"

namespace nksim {
namespace {

constexpr int kTagRequest = 1;
constexpr int kTagPlan = 2;
constexpr int kMaxChunk = 32;  // plans per hand-out at most (guided: fewer near the end)

void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw Error(std::string("MPI call failed: ") + what);
}

// Broadcasts rank 0's error message (empty: no error).
std::string broadcast_error(const std::string& message) {
  int length = static_cast<int>(message.size());
  check(MPI_Bcast(&length, 1, MPI_INT, 0, MPI_COMM_WORLD), "MPI_Bcast");
  std::string out(static_cast<std::size_t>(length), '\0');
  if (length > 0) {
    std::copy(message.begin(), message.end(), out.begin());
    check(MPI_Bcast(out.data(), length, MPI_CHAR, 0, MPI_COMM_WORLD), "MPI_Bcast");
  }
  return out;
}

std::filesystem::path part_path(const std::filesystem::path& dir, int rank) {
  return dir / "parts" / ("rank-" + std::to_string(rank) + ".sqlite");
}

}  // namespace

MpiSession::MpiSession(int& argc, char**& argv) {
  check(MPI_Init(&argc, &argv), "MPI_Init");
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

MpiSession::~MpiSession() { MPI_Finalize(); }

void MpiSession::abort(int exit_code) const {
  MPI_Abort(MPI_COMM_WORLD, exit_code);
  std::exit(exit_code);
}

TrialRunSummary run_trial_mpi(const MpiSession& mpi, const std::filesystem::path& trial_file,
                              const std::filesystem::path& dir, bool progress) {
  const auto start = std::chrono::steady_clock::now();
  // Every rank reads the same file and samples the same patients (deterministic in the seed).
  const TrialSpec spec = parse_trial_file(trial_file);
  const std::vector<Patient> patients = sample_patients(spec);
  const std::vector<RunPlan> all = make_run_plans(spec);
  TrialRunSummary summary;
  summary.plans = all.size();
  summary.database = TrialStore::database_path(dir);

  if (mpi.rank() != 0) {
    if (!broadcast_error("").empty()) return summary;   // rank 0 reports the error
    check(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier");  // parts directory exists
    {
      TrialStore part = TrialStore::open_part(part_path(dir, mpi.rank()));
      std::int64_t finished = 0;
      for (;;) {
        check(MPI_Send(&finished, 1, MPI_INT64_T, 0, kTagRequest, MPI_COMM_WORLD), "MPI_Send");
        std::int64_t chunk[kMaxChunk + 1] = {};
        check(MPI_Recv(chunk, kMaxChunk + 1, MPI_INT64_T, 0, kTagPlan, MPI_COMM_WORLD,
                       MPI_STATUS_IGNORE),
              "MPI_Recv");
        if (chunk[0] == 0) break;  // no plans left
        for (std::int64_t c = 1; c <= chunk[0]; ++c) {
          const RunPlan& plan = all[static_cast<std::size_t>(chunk[c])];
          part.write(run_plan(spec, patients[plan.patient], plan), plan.seed);
          ++summary.ran;
        }
        finished = chunk[0];
      }
    }
    check(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier");  // parts closed
    return summary;
  }

  // Rank 0: open (or check) the trial database, fold in parts left by a killed run.
  std::optional<TrialStore> store;
  std::string error;
  try {
    store.emplace(dir, spec, patients);
    std::filesystem::create_directories(dir / "parts");
    for (const auto& entry : std::filesystem::directory_iterator(dir / "parts")) {
      if (entry.path().extension() == ".sqlite") store->merge_part(entry.path());
    }
  } catch (const InputError& e) {
    error = e.what();
  }
  if (!broadcast_error(error).empty()) throw InputError(error);
  check(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier");

  const std::size_t failed_before = store->count_failed();
  const auto done = store->done_plans();
  std::vector<std::int64_t> todo;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (!done.contains({all[i].patient, all[i].arm})) todo.push_back(static_cast<std::int64_t>(i));
  }
  summary.already_done = all.size() - todo.size();
  ProgressMeter meter(todo.size(), progress);
  std::size_t next = 0;
  std::size_t completed = 0;
  int active = mpi.size() - 1;
  // Guided self-scheduling: a chunk of about remaining / (2 ranks) plans, 1 to kMaxChunk, so
  // hand-outs are rare early on and uneven run times still balance at the end.
  const auto answer = [&](int source) {
    std::int64_t chunk[kMaxChunk + 1] = {};
    const std::size_t remaining = todo.size() - next;
    const std::size_t count = std::min<std::size_t>(
        {remaining, static_cast<std::size_t>(kMaxChunk),
         std::max<std::size_t>(1, remaining / (2 * static_cast<std::size_t>(mpi.size())))});
    chunk[0] = static_cast<std::int64_t>(count);
    for (std::size_t c = 0; c < count; ++c) chunk[c + 1] = todo[next++];
    if (count == 0) --active;
    check(
        MPI_Send(chunk, static_cast<int>(count + 1), MPI_INT64_T, source, kTagPlan, MPI_COMM_WORLD),
        "MPI_Send");
  };
  const auto receive = [&](bool wait) {
    int flag = 1;
    MPI_Status status;
    if (!wait)
      check(MPI_Iprobe(MPI_ANY_SOURCE, kTagRequest, MPI_COMM_WORLD, &flag, &status), "MPI_Iprobe");
    if (!flag) return false;
    std::int64_t finished = 0;
    check(MPI_Recv(&finished, 1, MPI_INT64_T, MPI_ANY_SOURCE, kTagRequest, MPI_COMM_WORLD, &status),
          "MPI_Recv");
    completed += static_cast<std::size_t>(finished);
    answer(status.MPI_SOURCE);
    return true;
  };
  while (active > 0 || next < todo.size()) {
    while (active > 0 && receive(false)) {
    }
    if (next < todo.size()) {
      const RunPlan& plan = all[static_cast<std::size_t>(todo[next++])];
      store->write(run_plan(spec, patients[plan.patient], plan), plan.seed);
      ++summary.ran;
      ++completed;
    } else if (active > 0) {
      receive(true);
    }
    meter.update(completed);
  }
  meter.finish();
  check(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier");  // every part is closed
  for (const auto& entry : std::filesystem::directory_iterator(dir / "parts")) {
    if (entry.path().extension() == ".sqlite") store->merge_part(entry.path());
  }
  std::filesystem::remove(dir / "parts");
  summary.ran = store->count_rows() - summary.already_done;
  store->summarise_failures(summary, failed_before);
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace nksim
