#include "nksim/io/hdf5_file.h"

#include <hdf5.h>

#include <utility>

#include "nksim/core/error.h"

namespace nksim {
namespace {

// Owns one hid_t and closes it with the matching H5?close.
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t), const std::string& what) : id_(id), close_(close) {
    if (id_ < 0) throw Error("HDF5: " + what + " failed");
  }
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  hid_t get() const { return id_; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

void check(herr_t status, const std::string& what) {
  if (status < 0) throw Error("HDF5: " + what + " failed");
}

}  // namespace

Hdf5File Hdf5File::create(const std::filesystem::path& path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors become exceptions, not prints
  const hid_t id = H5Fcreate(path.string().c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (id < 0) throw Error("cannot create HDF5 file " + path.string());
  return Hdf5File(path, id);
}

Hdf5File::~Hdf5File() {
  if (id_ >= 0) H5Fclose(id_);
}

Hdf5File::Hdf5File(Hdf5File&& other) noexcept
    : path_(std::move(other.path_)), id_(std::exchange(other.id_, -1)) {}

void Hdf5File::create_group(const std::string& path) {
  const std::string what = path_.string() + ": group " + path;
  Handle gcpl(H5Pcreate(H5P_GROUP_CREATE), H5Pclose, what);
  check(H5Pset_obj_track_times(gcpl.get(), 0), what);
  Handle group(H5Gcreate2(id_, path.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), H5Gclose, what);
}

void Hdf5File::attribute(const std::string& object, const std::string& name,
                         std::span<const double> v) {
  const std::string what = path_.string() + ": attribute " + object + "@" + name;
  const hsize_t dims[1] = {v.size()};
  Handle space(v.size() == 1 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, dims, nullptr), H5Sclose,
               what);
  Handle attr(H5Acreate_by_name(id_, object.c_str(), name.c_str(), H5T_IEEE_F64LE, space.get(),
                                H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose, what);
  check(H5Awrite(attr.get(), H5T_NATIVE_DOUBLE, v.data()), what);
}

void Hdf5File::attribute(const std::string& object, const std::string& name, double value) {
  attribute(object, name, std::span<const double>(&value, 1));
}

void Hdf5File::attribute(const std::string& object, const std::string& name,
                         const std::string& value) {
  const std::string what = path_.string() + ": attribute " + object + "@" + name;
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose, what);
  check(H5Tset_size(type.get(), value.empty() ? 1 : value.size()), what);
  check(H5Tset_strpad(type.get(), H5T_STR_NULLPAD), what);
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, what);
  Handle attr(H5Acreate_by_name(id_, object.c_str(), name.c_str(), type.get(), space.get(),
                                H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose, what);
  const std::string padded = value.empty() ? std::string(1, '\0') : value;
  check(H5Awrite(attr.get(), type.get(), padded.data()), what);
}

void Hdf5File::write(const std::string& path, std::span<const std::uint64_t> dims,
                     std::int64_t type, const void* data) {
  const std::string what = path_.string() + ": dataset " + path;
  std::vector<hsize_t> d(dims.begin(), dims.end());
  Handle space(H5Screate_simple(static_cast<int>(d.size()), d.data(), nullptr), H5Sclose, what);
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, what);
  check(H5Pset_obj_track_times(dcpl.get(), 0), what);
  const hid_t file_type = type == 0 ? H5T_IEEE_F64LE : type == 1 ? H5T_STD_I32LE : H5T_STD_U64LE;
  const hid_t memory_type = type == 0   ? H5T_NATIVE_DOUBLE
                            : type == 1 ? H5T_NATIVE_INT32
                                        : H5T_NATIVE_UINT64;
  Handle set(
      H5Dcreate2(id_, path.c_str(), file_type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
      H5Dclose, what);
  std::uint64_t total = 1;
  for (auto v : dims) total *= v;
  if (total > 0) check(H5Dwrite(set.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), what);
}

void Hdf5File::dataset(const std::string& path, std::span<const std::uint64_t> dims,
                       std::span<const double> data) {
  write(path, dims, 0, data.data());
}
void Hdf5File::dataset(const std::string& path, std::span<const std::uint64_t> dims,
                       std::span<const std::int32_t> data) {
  write(path, dims, 1, data.data());
}
void Hdf5File::dataset(const std::string& path, std::span<const std::uint64_t> dims,
                       std::span<const std::uint64_t> data) {
  write(path, dims, 2, data.data());
}

std::vector<double> Hdf5File::read_doubles(const std::filesystem::path& file,
                                           const std::string& path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const std::string what = file.string() + ": read " + path;
  Handle f(H5Fopen(file.string().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, what);
  Handle set(H5Dopen2(f.get(), path.c_str(), H5P_DEFAULT), H5Dclose, what);
  Handle space(H5Dget_space(set.get()), H5Sclose, what);
  const hssize_t n = H5Sget_simple_extent_npoints(space.get());
  std::vector<double> out(static_cast<std::size_t>(n));
  if (n > 0) {
    check(H5Dread(set.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), what);
  }
  return out;
}

}  // namespace nksim
