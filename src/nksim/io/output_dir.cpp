#include "nksim/io/output_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "nksim/core/error.h"

namespace nksim {
namespace fs = std::filesystem;

void OutputDirectory::check_target(const fs::path& target) {
  std::error_code ec;
  if (target.empty()) throw InputError("the output directory name is empty");
  if (fs::exists(target, ec)) {
    if (!fs::is_directory(target, ec)) {
      throw InputError(target.string() + ": exists and is not a directory");
    }
    const bool empty = fs::is_empty(target, ec);
    if (!empty && !fs::exists(target / "summary.json", ec)) {
      throw InputError(target.string() +
                       ": exists and is not an nksim output directory (no summary.json); "
                       "refusing to overwrite it");
    }
  }
}

OutputDirectory::OutputDirectory(fs::path target) : target_(std::move(target)) {
  check_target(target_);
  std::error_code ec;
  fs::path parent = fs::absolute(target_, ec).parent_path();
  fs::create_directories(parent, ec);
  if (ec) throw Error("cannot create " + parent.string() + ": " + ec.message());
  const std::string name = "." + fs::absolute(target_).filename().string() + ".partial-" +
                           std::to_string(::getpid());
  staging_ = parent / name;
  fs::remove_all(staging_, ec);
  fs::create_directory(staging_, ec);
  if (ec) throw Error("cannot create " + staging_.string() + ": " + ec.message());
}

fs::path OutputDirectory::resumable_staging(const fs::path& target) {
  const fs::path absolute = fs::absolute(target);
  return absolute.parent_path() / ("." + absolute.filename().string() + ".partial");
}

OutputDirectory::OutputDirectory(fs::path target, Resumable)
    : target_(std::move(target)), resumable_(true) {
  check_target(target_);
  staging_ = resumable_staging(target_);
  std::error_code ec;
  fs::create_directories(staging_, ec);
  if (ec) throw Error("cannot create " + staging_.string() + ": " + ec.message());
  const fs::path lock = staging_ / ".lock";
  lock_fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) throw Error("cannot create " + lock.string());
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(lock_fd_);
    lock_fd_ = -1;
    throw InputError(target_.string() + ": another nksim run is writing this output (its files "
                     "are in " + staging_.string() + ")");
  }
}

OutputDirectory::~OutputDirectory() {
  if (lock_fd_ >= 0) ::close(lock_fd_);
  if (!committed_ && !resumable_) {
    std::error_code ec;
    fs::remove_all(staging_, ec);
  }
}

void OutputDirectory::commit() {
  std::error_code ec;
  if (fs::exists(target_, ec)) {
    check_target(target_);  // still safe to replace?
    fs::remove_all(target_, ec);
    if (ec) throw Error("cannot replace " + target_.string() + ": " + ec.message());
  }
  if (resumable_) {
    fs::remove_all(staging_ / "checkpoint", ec);
    fs::remove(staging_ / ".lock", ec);
  }
  fs::rename(staging_, target_, ec);
  if (ec) throw Error("cannot move output into " + target_.string() + ": " + ec.message());
  committed_ = true;
}

}  // namespace nksim
