// A thin RAII wrapper of the HDF5 C API: just what reports need to read spatial snapshots (and
// what tests need to write small ones). One C call, one check, one exception naming the file and
// the object; no HDF5 handle leaves this wrapper.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace nksim::report {

class Hdf5File {
 public:
  // Opens an existing file read-only. Throws InputError when it is missing or not HDF5.
  static Hdf5File open(const std::filesystem::path& file);
  // Creates (truncates) a file for writing. Throws Error.
  static Hdf5File create(const std::filesystem::path& file);

  ~Hdf5File();
  Hdf5File(Hdf5File&& other) noexcept;
  Hdf5File& operator=(Hdf5File&& other) noexcept;
  Hdf5File(const Hdf5File&) = delete;
  Hdf5File& operator=(const Hdf5File&) = delete;

  bool has_attribute(const std::string& name) const;
  double read_double_attribute(const std::string& name) const;
  // Fixed- or variable-length string attributes.
  std::string read_string_attribute(const std::string& name) const;

  bool has_dataset(const std::string& path) const;
  // Whole dataset, row-major; `dims` (if given) receives its shape.
  std::vector<std::int32_t> read_int32(const std::string& path,
                                       std::vector<std::uint64_t>* dims = nullptr) const;
  std::vector<double> read_double(const std::string& path,
                                  std::vector<std::uint64_t>* dims = nullptr) const;

  void write_double_attribute(const std::string& name, double value);
  // Fixed-length by default; variable-length (as h5py writes str) when asked.
  void write_string_attribute(const std::string& name, const std::string& value,
                              bool variable_length = false);
  // Creates a group (and nothing else) such as "/agents".
  void create_group(const std::string& path);
  void write_int32(const std::string& path, const std::vector<std::int32_t>& values,
                   const std::vector<std::uint64_t>& dims);
  void write_double(const std::string& path, const std::vector<double>& values,
                    const std::vector<std::uint64_t>& dims);

  const std::filesystem::path& path() const { return path_; }

 private:
  Hdf5File(std::int64_t id, std::filesystem::path path) : id_(id), path_(std::move(path)) {}
  std::int64_t id_ = -1;
  std::filesystem::path path_;
};

}  // namespace nksim::report
