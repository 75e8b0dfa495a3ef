#include "nksim/trial/thread_runner.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>

#include "nksim/trial/cohort.h"
#include "nksim/trial/progress.h"
#include "nksim/trial/trial_store.h"

namespace nksim {
namespace {

// What the workers share with the calling thread, which writes their results.
struct WorkQueue {
  std::atomic<std::size_t> next{0};  // index into the pending plans
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::condition_variable ready;
  std::deque<PlanResult> finished;  // not written yet
  std::exception_ptr error;         // the first a worker threw
  std::size_t workers_left = 0;
};

// Threads asked for (0: all hardware threads), at least 1 and no more than plans to run.
unsigned worker_count(int requested, std::size_t plans) {
  unsigned threads = requested > 0 ? static_cast<unsigned>(requested)
                                   : std::max(1U, std::thread::hardware_concurrency());
  return static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(plans, 1)));
}

// One worker: runs the next pending plan until none is left or the run stops.
void work(const Cohort& cohort, const std::vector<std::size_t>& todo, WorkQueue& queue) {
  try {
    while (!queue.stop.load()) {
      const std::size_t i = queue.next.fetch_add(1);
      if (i >= todo.size()) break;
      PlanResult result = run_cohort_plan(cohort, todo[i]);
      std::lock_guard lock(queue.mutex);
      queue.finished.push_back(std::move(result));
      queue.ready.notify_one();
    }
  } catch (...) {
    std::lock_guard lock(queue.mutex);
    if (!queue.error) queue.error = std::current_exception();
    queue.stop.store(true);
  }
  std::lock_guard lock(queue.mutex);
  --queue.workers_left;
  queue.ready.notify_one();
}

// Writes results as the workers finish them, one transaction a plan, until every worker has
// stopped. After a failed write it stops the workers and only drains the queue; returns the
// error of that write.
std::exception_ptr write_results(TrialStore& store, const Cohort& cohort, WorkQueue& queue,
                                 ProgressMeter& progress, TrialRunSummary& summary) {
  std::exception_ptr write_error;
  for (;;) {
    std::deque<PlanResult> batch;
    {
      std::unique_lock lock(queue.mutex);
      queue.ready.wait(lock, [&] { return !queue.finished.empty() || queue.workers_left == 0; });
      if (queue.finished.empty() && queue.workers_left == 0) break;
      batch.swap(queue.finished);
    }
    if (write_error) continue;
    try {
      for (const PlanResult& result : batch) {
        store.write(result,
                    cohort.plans[result.patient * cohort.spec.arms.size() + result.arm].seed);
        ++summary.ran;
      }
    } catch (...) {
      write_error = std::current_exception();
      queue.stop.store(true);
    }
    progress.update(summary.ran);
  }
  return write_error;
}

}  // namespace

TrialRunSummary run_trial_threads(const std::filesystem::path& trial_file,
                                  const std::filesystem::path& dir,
                                  const TrialRunOptions& options) {
  return run_trial_threads(parse_trial_file(trial_file), dir, options);
}

TrialRunSummary run_trial_threads(TrialSpec spec, const std::filesystem::path& dir,
                                  const TrialRunOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const Cohort cohort = make_cohort(std::move(spec));
  TrialStore store(dir, cohort.spec, cohort.patients);
  TrialRunSummary summary = start_summary(cohort, dir);
  const PendingPlans pending = pending_plans(store, cohort, summary);

  const unsigned threads = worker_count(options.threads, pending.todo.size());
  WorkQueue queue;
  queue.workers_left = threads;
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&] { work(cohort, pending.todo, queue); });
  }

  ProgressMeter progress(pending.todo.size(), options.progress);
  const std::exception_ptr write_error = write_results(store, cohort, queue, progress, summary);
  for (auto& thread : pool) thread.join();
  progress.finish();
  if (write_error) std::rethrow_exception(write_error);
  if (queue.error) std::rethrow_exception(queue.error);
  finish_summary(store, pending, start, summary);
  return summary;
}

std::string failures_message(const TrialRunSummary& s) {
  return std::to_string(s.failed_total) + " of " + std::to_string(s.plans) +
         " plans failed numerically (first: " + s.first_failure + "). They are stored in " +
         s.database.string() +
         " with status 'failed' and left out of the analysis; to accept a trial with failed "
         "plans, run again with --allow-failures (nothing is recomputed)";
}

}  // namespace nksim
