#include "nksim/io/hdf5_file.h"

#include <hdf5.h>

#include <type_traits>
#include <utility>

#include "nksim/core/error.h"

namespace nksim {
namespace {

static_assert(std::is_same_v<hid_t, std::int64_t>, "hid_t is stored as std::int64_t");

// Owns one hid_t and closes it with the matching H5?close; a failed call (id < 0) throws Error
// naming `what` (the file and the object).
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t), const std::string& what) : id_(id), close_(close) {
    if (id_ < 0) throw Error("HDF5: " + what + " failed");
  }
  ~Handle() { close_(id_); }
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

// HDF5 errors become exceptions, not prints on stderr.
void silence_error_stack() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

std::uint64_t element_count(std::span<const std::uint64_t> dims) {
  std::uint64_t total = 1;
  for (auto v : dims) total *= v;
  return total;
}

void write_dataset(hid_t file, const std::string& what, const std::string& path,
                   std::span<const std::uint64_t> dims, std::size_t size, hid_t file_type,
                   hid_t memory_type, const void* data) {
  const std::uint64_t total = element_count(dims);
  if (total != size) throw Error("HDF5: " + what + ": the shape does not match the data");
  std::vector<hsize_t> d(dims.begin(), dims.end());
  Handle space(H5Screate_simple(static_cast<int>(d.size()), d.data(), nullptr), H5Sclose, what);
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, what);
  check(H5Pset_obj_track_times(dcpl.get(), 0), what);
  Handle set(
      H5Dcreate2(file, path.c_str(), file_type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
      H5Dclose, what);
  if (total > 0) check(H5Dwrite(set.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), what);
}

template <typename T>
std::vector<T> read_dataset(hid_t file, const std::string& what, const std::string& path,
                            hid_t memory_type, std::vector<std::uint64_t>* dims) {
  Handle set(H5Dopen2(file, path.c_str(), H5P_DEFAULT), H5Dclose, what);
  Handle space(H5Dget_space(set.get()), H5Sclose, what);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) throw Error("HDF5: " + what + " failed");
  std::vector<hsize_t> shape(static_cast<std::size_t>(rank));
  if (rank > 0) check(H5Sget_simple_extent_dims(space.get(), shape.data(), nullptr), what);
  std::size_t count = 1;
  for (hsize_t d : shape) count *= d;
  std::vector<T> values(count);
  if (count > 0) {
    check(H5Dread(set.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), what);
  }
  if (dims) dims->assign(shape.begin(), shape.end());
  return values;
}

}  // namespace

Hdf5File Hdf5File::create(const std::filesystem::path& path) {
  silence_error_stack();
  const hid_t id = H5Fcreate(path.string().c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (id < 0) throw Error("cannot create HDF5 file " + path.string());
  return Hdf5File(path, id);
}

Hdf5File Hdf5File::open(const std::filesystem::path& path) {
  silence_error_stack();
  if (std::error_code ec; !std::filesystem::is_regular_file(path, ec)) throw InputError("cannot read " + path.string());
  if (H5Fis_hdf5(path.string().c_str()) <= 0) {
    throw InputError(path.string() + ": not an HDF5 file");
  }
  const hid_t id = H5Fopen(path.string().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) throw InputError("cannot open HDF5 file " + path.string());
  return Hdf5File(path, id);
}

Hdf5File::~Hdf5File() {
  if (id_ >= 0) H5Fclose(id_);
}

Hdf5File::Hdf5File(Hdf5File&& other) noexcept
    : path_(std::move(other.path_)), id_(std::exchange(other.id_, -1)) {}

Hdf5File& Hdf5File::operator=(Hdf5File&& other) noexcept {
  if (this != &other) {
    if (id_ >= 0) H5Fclose(id_);
    id_ = std::exchange(other.id_, -1);
    path_ = std::move(other.path_);
  }
  return *this;
}

// --- Writing ---

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
                         const std::string& value, bool variable_length) {
  const std::string what = path_.string() + ": attribute " + object + "@" + name;
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose, what);
  if (variable_length) {
    check(H5Tset_size(type.get(), H5T_VARIABLE), what);
  } else {
    check(H5Tset_size(type.get(), value.empty() ? 1 : value.size()), what);
    check(H5Tset_strpad(type.get(), H5T_STR_NULLPAD), what);
  }
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, what);
  Handle attr(H5Acreate_by_name(id_, object.c_str(), name.c_str(), type.get(), space.get(),
                                H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose, what);
  if (variable_length) {
    const char* text = value.c_str();
    check(H5Awrite(attr.get(), type.get(), &text), what);
  } else {
    const std::string padded = value.empty() ? std::string(1, '\0') : value;
    check(H5Awrite(attr.get(), type.get(), padded.data()), what);
  }
}

void Hdf5File::dataset(const std::string& path, std::span<const std::uint64_t> dims,
                       std::span<const double> data) {
  write_dataset(id_, path_.string() + ": dataset " + path, path, dims, data.size(), H5T_IEEE_F64LE,
                H5T_NATIVE_DOUBLE, data.data());
}
void Hdf5File::dataset(const std::string& path, std::span<const std::uint64_t> dims,
                       std::span<const std::int32_t> data) {
  write_dataset(id_, path_.string() + ": dataset " + path, path, dims, data.size(), H5T_STD_I32LE,
                H5T_NATIVE_INT32, data.data());
}
void Hdf5File::dataset(const std::string& path, std::span<const std::uint64_t> dims,
                       std::span<const std::uint64_t> data) {
  write_dataset(id_, path_.string() + ": dataset " + path, path, dims, data.size(), H5T_STD_U64LE,
                H5T_NATIVE_UINT64, data.data());
}

// --- Reading ---

bool Hdf5File::has_attribute(const std::string& name) const {
  return H5Aexists(id_, name.c_str()) > 0;
}

double Hdf5File::read_double_attribute(const std::string& name) const {
  if (!has_attribute(name)) throw InputError(path_.string() + ": no attribute " + name);
  const std::string what = path_.string() + ": read attribute " + name;
  Handle attr(H5Aopen(id_, name.c_str(), H5P_DEFAULT), H5Aclose, what);
  double value = 0;
  check(H5Aread(attr.get(), H5T_NATIVE_DOUBLE, &value), what);
  return value;
}

std::string Hdf5File::read_string_attribute(const std::string& name) const {
  if (!has_attribute(name)) throw InputError(path_.string() + ": no attribute " + name);
  const std::string what = path_.string() + ": read attribute " + name;
  Handle attr(H5Aopen(id_, name.c_str(), H5P_DEFAULT), H5Aclose, what);
  Handle type(H5Aget_type(attr.get()), H5Tclose, what);
  if (H5Tget_class(type.get()) != H5T_STRING) {
    throw InputError(path_.string() + ": attribute " + name + " is not a string");
  }
  Handle space(H5Aget_space(attr.get()), H5Sclose, what);
  if (H5Sget_simple_extent_npoints(space.get()) != 1) {
    throw InputError(path_.string() + ": attribute " + name + " must be a single string");
  }
  Handle memory(H5Tcopy(H5T_C_S1), H5Tclose, what);
  if (H5Tis_variable_str(type.get()) > 0) {
    check(H5Tset_size(memory.get(), H5T_VARIABLE), what);
    char* text = nullptr;
    check(H5Aread(attr.get(), memory.get(), &text), what);
    std::string value = text ? text : "";
    H5free_memory(text);
    return value;
  }
  const std::size_t size = H5Tget_size(type.get());
  check(H5Tset_size(memory.get(), size + 1), what);
  std::string buffer(size + 1, '\0');
  check(H5Aread(attr.get(), memory.get(), buffer.data()), what);
  buffer.resize(buffer.find('\0') == std::string::npos ? buffer.size() : buffer.find('\0'));
  return buffer;
}

bool Hdf5File::has_dataset(const std::string& path) const {
  // H5Lexists needs every intermediate group to exist: check them one by one.
  std::size_t pos = 0;
  while ((pos = path.find('/', pos + 1)) != std::string::npos) {
    if (H5Lexists(id_, path.substr(0, pos).c_str(), H5P_DEFAULT) <= 0) return false;
  }
  return H5Lexists(id_, path.c_str(), H5P_DEFAULT) > 0;
}

std::vector<std::string> Hdf5File::names_in(const std::string& group) const {
  if (group != "/" && !has_dataset(group)) throw InputError(path_.string() + ": no group " + group);
  const std::string what = path_.string() + ": list group " + group;
  std::vector<std::string> names;
  const auto add = [](hid_t, const char* name, const H5L_info_t*, void* out) -> herr_t {
    static_cast<std::vector<std::string>*>(out)->emplace_back(name);
    return 0;
  };
  Handle g(H5Gopen2(id_, group.c_str(), H5P_DEFAULT), H5Gclose, what);
  check(H5Literate(g.get(), H5_INDEX_NAME, H5_ITER_INC, nullptr, add, &names), what);
  return names;
}

std::string Hdf5File::element_type(const std::string& path) const {
  if (!has_dataset(path)) throw InputError(path_.string() + ": no dataset " + path);
  const std::string what = path_.string() + ": type of dataset " + path;
  Handle set(H5Dopen2(id_, path.c_str(), H5P_DEFAULT), H5Dclose, what);
  Handle type(H5Dget_type(set.get()), H5Tclose, what);
  const std::string bits = std::to_string(8 * H5Tget_size(type.get()));
  switch (H5Tget_class(type.get())) {
    case H5T_FLOAT:
      return "float" + bits;
    case H5T_INTEGER:
      return (H5Tget_sign(type.get()) == H5T_SGN_NONE ? "uint" : "int") + bits;
    default:
      return "other";
  }
}

std::vector<std::int32_t> Hdf5File::read_int32(const std::string& path,
                                               std::vector<std::uint64_t>* dims) const {
  if (!has_dataset(path)) throw InputError(path_.string() + ": no dataset " + path);
  return read_dataset<std::int32_t>(id_, path_.string() + ": read dataset " + path, path,
                                    H5T_NATIVE_INT32, dims);
}

std::vector<double> Hdf5File::read_double(const std::string& path,
                                          std::vector<std::uint64_t>* dims) const {
  if (!has_dataset(path)) throw InputError(path_.string() + ": no dataset " + path);
  return read_dataset<double>(id_, path_.string() + ": read dataset " + path, path,
                              H5T_NATIVE_DOUBLE, dims);
}

}  // namespace nksim
