#include "nksim/trial/thread_runner.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>

#include "nksim/trial/progress.h"
#include "nksim/trial/trial_store.h"

namespace nksim {

TrialRunSummary run_trial_threads(const std::filesystem::path& trial_file,
                                  const std::filesystem::path& dir,
                                  const TrialRunOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const TrialSpec spec = parse_trial_file(trial_file);
  const std::vector<Patient> patients = sample_patients(spec);
  TrialStore store(dir, spec, patients);
  const std::size_t failed_before = store.count_failed();
  const auto done = store.done_plans();
  std::vector<RunPlan> todo;
  const std::vector<RunPlan> all = make_run_plans(spec);
  for (const RunPlan& plan : all) {
    if (!done.contains({plan.patient, plan.arm})) todo.push_back(plan);
  }
  TrialRunSummary summary;
  summary.plans = all.size();
  summary.already_done = all.size() - todo.size();
  summary.database = TrialStore::database_path(dir);

  unsigned threads = options.threads > 0 ? static_cast<unsigned>(options.threads)
                                         : std::max(1U, std::thread::hardware_concurrency());
  threads =
      static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(todo.size(), 1)));

  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::condition_variable ready;
  std::deque<PlanResult> finished;
  std::exception_ptr error;
  std::size_t workers_left = threads;

  const auto work = [&] {
    try {
      while (!stop.load()) {
        const std::size_t i = next.fetch_add(1);
        if (i >= todo.size()) break;
        PlanResult result = run_plan(spec, patients[todo[i].patient], todo[i]);
        std::lock_guard lock(mutex);
        finished.push_back(std::move(result));
        ready.notify_one();
      }
    } catch (...) {
      std::lock_guard lock(mutex);
      if (!error) error = std::current_exception();
      stop.store(true);
    }
    std::lock_guard lock(mutex);
    --workers_left;
    ready.notify_one();
  };

  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) pool.emplace_back(work);

  ProgressMeter progress(todo.size(), options.progress);
  std::exception_ptr write_error;
  for (;;) {
    std::deque<PlanResult> batch;
    {
      std::unique_lock lock(mutex);
      ready.wait(lock, [&] { return !finished.empty() || workers_left == 0; });
      if (finished.empty() && workers_left == 0) break;
      batch.swap(finished);
    }
    if (write_error) continue;
    try {
      for (const PlanResult& result : batch) {
        store.write(result, all[result.patient * spec.arms.size() + result.arm].seed);
        ++summary.ran;
      }
    } catch (...) {
      write_error = std::current_exception();
      stop.store(true);
    }
    progress.update(summary.ran);
  }
  for (auto& thread : pool) thread.join();
  progress.finish();
  if (write_error) std::rethrow_exception(write_error);
  if (error) std::rethrow_exception(error);
  store.summarise_failures(summary, failed_before);
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
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
