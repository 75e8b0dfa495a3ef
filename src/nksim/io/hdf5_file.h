// A thin RAII layer over the HDF5 C API: create a file, groups, attributes and contiguous
// datasets. No raw hid_t leaves this wrapper; every failing call throws Error naming the file
// and the object. Object modification times are not recorded, so the same data give the same
// bytes (outputs are compared byte for byte across thread counts).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace nksim {

class Hdf5File {
 public:
  // Creates (truncates) a file.
  static Hdf5File create(const std::filesystem::path& path);
  ~Hdf5File();
  Hdf5File(Hdf5File&& other) noexcept;
  Hdf5File& operator=(Hdf5File&&) = delete;
  Hdf5File(const Hdf5File&) = delete;
  Hdf5File& operator=(const Hdf5File&) = delete;

  void create_group(const std::string& path);
  // Attributes on an existing object ("/" for the root).
  void attribute(const std::string& object, const std::string& name, double value);
  void attribute(const std::string& object, const std::string& name, std::span<const double> v);
  void attribute(const std::string& object, const std::string& name, const std::string& value);

  // Datasets of shape `dims` (row-major, the last dimension fastest).
  void dataset(const std::string& path, std::span<const std::uint64_t> dims,
               std::span<const double> data);
  void dataset(const std::string& path, std::span<const std::uint64_t> dims,
               std::span<const std::int32_t> data);
  void dataset(const std::string& path, std::span<const std::uint64_t> dims,
               std::span<const std::uint64_t> data);

  // Reading back (tests, tools).
  static std::vector<double> read_doubles(const std::filesystem::path& file,
                                          const std::string& path);

 private:
  Hdf5File(std::filesystem::path path, std::int64_t id) : path_(std::move(path)), id_(id) {}
  void write(const std::string& path, std::span<const std::uint64_t> dims, std::int64_t type,
             const void* data);
  std::filesystem::path path_;
  std::int64_t id_ = -1;
};

}  // namespace nksim
