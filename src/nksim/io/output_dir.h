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
};

}  // namespace nksim
