// A thin RAII layer over the HDF5 C API: create a file and write groups, attributes and
// contiguous datasets, or open one read-only and read them back. No raw hid_t leaves this
// wrapper; every failing call throws naming the file and the object (InputError for a missing or
// non-HDF5 file and for a missing attribute or dataset, Error otherwise). Objects are written
// without modification times, so the same data give the same bytes (outputs are compared byte
// for byte across thread counts).
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace nksim {

class Hdf5File {
 public:
  // Creates (truncates) a file for writing. Throws Error.
  static Hdf5File create(const std::filesystem::path& path);
  // Opens an existing file read-only. Throws InputError when it is missing or not HDF5.
  static Hdf5File open(const std::filesystem::path& path);

  ~Hdf5File();
  Hdf5File(Hdf5File&& other) noexcept;
  Hdf5File& operator=(Hdf5File&& other) noexcept;
  Hdf5File(const Hdf5File&) = delete;
  Hdf5File& operator=(const Hdf5File&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // --- Writing ---
  // Creates a group (and nothing else) such as "/agents".
  void create_group(const std::string& path);
  // Attributes on an existing object ("/" for the root).
  void attribute(const std::string& object, const std::string& name, double value);
  void attribute(const std::string& object, const std::string& name, std::span<const double> v);
  // Fixed-length by default; variable-length (as h5py writes str) when asked.
  void attribute(const std::string& object, const std::string& name, const std::string& value,
                 bool variable_length = false);

  // Datasets of shape `dims` (row-major, the last dimension fastest); the data must hold
  // exactly the product of `dims` values.
  void dataset(const std::string& path, std::span<const std::uint64_t> dims,
               std::span<const double> data);
  void dataset(const std::string& path, std::span<const std::uint64_t> dims,
               std::span<const std::int32_t> data);
  void dataset(const std::string& path, std::span<const std::uint64_t> dims,
               std::span<const std::uint64_t> data);

  // --- Reading ---
  // Attributes of the root group.
  bool has_attribute(const std::string& name) const;
  double read_double_attribute(const std::string& name) const;
  // Fixed- or variable-length string attributes.
  std::string read_string_attribute(const std::string& name) const;

  bool has_dataset(const std::string& path) const;
  // The names of the objects (datasets and groups) in a group, in name order. Throws InputError
  // when there is no such group.
  std::vector<std::string> names_in(const std::string& group) const;
  // The numbers a dataset holds: "int", "uint" or "float" and the size in bits ("int32",
  // "uint64", "float64"), or "other". Throws InputError when there is no such dataset.
  std::string element_type(const std::string& path) const;
  // Whole dataset, row-major; `dims` (if given) receives its shape.
  std::vector<std::int32_t> read_int32(const std::string& path,
                                       std::vector<std::uint64_t>* dims = nullptr) const;
  std::vector<double> read_double(const std::string& path,
                                  std::vector<std::uint64_t>* dims = nullptr) const;

 private:
  Hdf5File(std::filesystem::path path, std::int64_t id) : path_(std::move(path)), id_(id) {}
  std::filesystem::path path_;
  std::int64_t id_ = -1;
};

}  // namespace nksim
