#include "nksim/trial/mpi_runner.h"

#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nksim/core/error.h"
#include "nksim/trial/cohort.h"
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

// Folds the part files of DIR/parts (one per rank other than 0) into rank 0's store.
void merge_parts(TrialStore& store, const std::filesystem::path& dir) {
  for (const auto& entry : std::filesystem::directory_iterator(dir / "parts")) {
    if (entry.path().extension() == ".sqlite") store.merge_part(entry.path());
  }
}

// A rank other than 0: asks rank 0 for chunks of plans (reporting how many of the last chunk it
// finished) and writes their results into its own part file until no plans are left.
void run_worker_rank(const MpiSession& mpi, const Cohort& cohort, const std::filesystem::path& dir,
                     TrialRunSummary& summary) {
  TrialStore part = TrialStore::open_part(part_path(dir, mpi.rank()));
  std::int64_t finished = 0;
  for (;;) {
    check(MPI_Send(&finished, 1, MPI_INT64_T, 0, kTagRequest, MPI_COMM_WORLD), "MPI_Send");
    std::int64_t chunk[kMaxChunk + 1] = {};
    check(
        MPI_Recv(chunk, kMaxChunk + 1, MPI_INT64_T, 0, kTagPlan, MPI_COMM_WORLD, MPI_STATUS_IGNORE),
        "MPI_Recv");
    if (chunk[0] == 0) break;  // no plans left
    for (std::int64_t c = 1; c <= chunk[0]; ++c) {
      const auto index = static_cast<std::size_t>(chunk[c]);
      part.write(run_cohort_plan(cohort, index), cohort.plans[index].seed);
      ++summary.ran;
    }
    finished = chunk[0];
  }
}

// Rank 0: opens (or checks) the trial database into `store` and folds in parts left by a killed
// run. Its input errors are sent to every rank, and thrown on rank 0.
void open_root_store(std::optional<TrialStore>& store, const Cohort& cohort,
                     const std::filesystem::path& dir) {
  std::string error;
  try {
    store.emplace(dir, cohort.spec, cohort.patients);
    std::filesystem::create_directories(dir / "parts");
    merge_parts(*store, dir);
  } catch (const InputError& e) {
    error = e.what();
  }
  if (!broadcast_error(error).empty()) throw InputError(error);
}

// Rank 0's side of guided self-scheduling: hands out the pending plans in chunks on request and
// counts the plans finished on every rank. A chunk is about remaining / (2 ranks) plans, 1 to
// kMaxChunk, so hand-outs are rare early on and uneven run times still balance at the end.
class Scheduler {
 public:
  Scheduler(const MpiSession& mpi, const std::vector<std::size_t>& todo)
      : ranks_(static_cast<std::size_t>(mpi.size())), todo_(todo), active_(mpi.size() - 1) {}

  // Plans left to hand out, or ranks still to tell that none are left.
  bool busy() const { return active_ > 0 || next_ < todo_.size(); }
  // The next pending plan for rank 0 itself, if any is left.
  std::optional<std::size_t> take() {
    if (next_ >= todo_.size()) return std::nullopt;
    return todo_[next_++];
  }
  // Answers every request already waiting.
  void answer_waiting() {
    while (active_ > 0 && receive(false)) {
    }
  }
  // Waits for one request and answers it (when a rank is still active).
  void answer_next() {
    if (active_ > 0) receive(true);
  }
  void count_own() { ++completed_; }
  std::size_t completed() const { return completed_; }

 private:
  void answer(int source) {
    std::int64_t chunk[kMaxChunk + 1] = {};
    const std::size_t remaining = todo_.size() - next_;
    const std::size_t count =
        std::min<std::size_t>({remaining, static_cast<std::size_t>(kMaxChunk),
                               std::max<std::size_t>(1, remaining / (2 * ranks_))});
    chunk[0] = static_cast<std::int64_t>(count);
    for (std::size_t c = 0; c < count; ++c) {
      chunk[c + 1] = static_cast<std::int64_t>(todo_[next_++]);
    }
    if (count == 0) --active_;
    check(
        MPI_Send(chunk, static_cast<int>(count + 1), MPI_INT64_T, source, kTagPlan, MPI_COMM_WORLD),
        "MPI_Send");
  }

  bool receive(bool wait) {
    int flag = 1;
    MPI_Status status;
    if (!wait)
      check(MPI_Iprobe(MPI_ANY_SOURCE, kTagRequest, MPI_COMM_WORLD, &flag, &status), "MPI_Iprobe");
    if (!flag) return false;
    std::int64_t finished = 0;
    check(MPI_Recv(&finished, 1, MPI_INT64_T, MPI_ANY_SOURCE, kTagRequest, MPI_COMM_WORLD, &status),
          "MPI_Recv");
    completed_ += static_cast<std::size_t>(finished);
    answer(status.MPI_SOURCE);
    return true;
  }

  std::size_t ranks_;
  const std::vector<std::size_t>& todo_;
  std::size_t next_ = 0;
  std::size_t completed_ = 0;
  int active_;  // ranks other than 0 not yet told that no plans are left
};

// Rank 0: hands out plans and runs plans itself between requests, until every plan has run.
void run_root_rank(const MpiSession& mpi, TrialStore& store, const Cohort& cohort,
                   const PendingPlans& pending, bool progress, TrialRunSummary& summary) {
  ProgressMeter meter(pending.todo.size(), progress);
  Scheduler scheduler(mpi, pending.todo);
  while (scheduler.busy()) {
    scheduler.answer_waiting();
    if (const auto index = scheduler.take()) {
      store.write(run_cohort_plan(cohort, *index), cohort.plans[*index].seed);
      ++summary.ran;
      scheduler.count_own();
    } else {
      scheduler.answer_next();
    }
    meter.update(scheduler.completed());
  }
  meter.finish();
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
  const Cohort cohort = load_cohort(trial_file);
  TrialRunSummary summary = start_summary(cohort, dir);

  if (mpi.rank() != 0) {
    if (!broadcast_error("").empty()) return summary;   // rank 0 reports the error
    check(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier");  // parts directory exists
    run_worker_rank(mpi, cohort, dir, summary);
    check(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier");  // parts closed
    return summary;
  }

  std::optional<TrialStore> store;  // not movable: opened in place
  open_root_store(store, cohort, dir);
  check(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier");
  const PendingPlans pending = pending_plans(*store, cohort, summary);
  run_root_rank(mpi, *store, cohort, pending, progress, summary);
  check(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier");  // every part is closed
  merge_parts(*store, dir);
  std::filesystem::remove(dir / "parts");
  summary.ran = store->count_rows() - summary.already_done;
  finish_summary(*store, pending, start, summary);
  return summary;
}

}  // namespace nksim
