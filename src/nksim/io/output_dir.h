// An output directory that appears whole or not at all.
//
// Files are written into a hidden sibling staging directory; commit() moves it into place. If
// anything throws before commit(), the destructor removes the staging directory, so a failed
// run leaves no half-written output. An existing directory is replaced only if it is empty or an
// earlier nksim output (it holds summary.json); anything else is refused.
#pragma once

#include <filesystem>

namespace nksim {

class OutputDirectory {
 public:
  // Throws InputError if `target` cannot be used (exists as a file, is a non-nksim directory).
  explicit OutputDirectory(std::filesystem::path target);

  // For a run that saves checkpoints: the staging directory has a fixed name beside the target
  // (resumable_staging), is kept when the run fails or is stopped, so that a later run can
  // resume in it, and is locked while in use (a second run on the same target is refused).
  // What is already in it is kept. commit() drops the checkpoint folder before moving it.
  struct Resumable {};
  OutputDirectory(std::filesystem::path target, Resumable);
  static std::filesystem::path resumable_staging(const std::filesystem::path& target);
  ~OutputDirectory();
  OutputDirectory(const OutputDirectory&) = delete;
  OutputDirectory& operator=(const OutputDirectory&) = delete;

  // Where to write files now.
  const std::filesystem::path& staging() const { return staging_; }
  const std::filesystem::path& target() const { return target_; }
  std::filesystem::path file(const std::string& name) const { return staging_ / name; }

  // Moves the staging directory to the target (replacing an earlier nksim output).
  void commit();

  // Checks that `target` could be used, without creating anything.
  static void check_target(const std::filesystem::path& target);

 private:
  std::filesystem::path target_;
  std::filesystem::path staging_;
  bool committed_ = false;
  bool resumable_ = false;
  int lock_fd_ = -1;
};

}  // namespace nksim
