#include "nksim/report/hdf5_file.h"

#include <hdf5.h>

#include <type_traits>
#include <utility>

#include "nksim/core/error.h"

namespace nksim::report {
namespace {

static_assert(std::is_same_v<hid_t, std::int64_t>, "hid_t is stored as std::int64_t");

// One HDF5 object id, closed by the matching H5?close when it goes out of scope.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  ~Handle() {
    if (id_ >= 0) closer_(id_);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }

 private:
  hid_t id_;
  Closer closer_;
};

Handle checked(hid_t id, Handle::Closer closer, const std::string& what) {
  if (id < 0) throw Error("HDF5: " + what);
  return Handle(id, closer);
}

void check(herr_t status, const std::string& what) {
  if (status < 0) throw Error("HDF5: " + what);
}

template <typename T>
std::vector<T> read_dataset(hid_t file, const std::filesystem::path& name, const std::string& path,
                            hid_t memory_type, std::vector<std::uint64_t>* dims) {
  const std::string where = name.string() + ":" + path;
  if (H5Lexists(file, path.c_str(), H5P_DEFAULT) <= 0) {
    throw InputError(name.string() + ": no dataset " + path);
  }
  Handle dataset =
      checked(H5Dopen2(file, path.c_str(), H5P_DEFAULT), H5Dclose, "cannot open dataset " + where);
  Handle space =
      checked(H5Dget_space(dataset.get()), H5Sclose, "cannot read the shape of " + where);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) throw Error("HDF5: cannot read the rank of " + where);
  std::vector<hsize_t> shape(static_cast<std::size_t>(rank));
  if (rank > 0)
    check(H5Sget_simple_extent_dims(space.get(), shape.data(), nullptr),
          "cannot read the shape of " + where);
  std::size_t count = 1;
  for (hsize_t d : shape) count *= d;
  std::vector<T> values(count);
  if (count > 0) {
    check(H5Dread(dataset.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
          "cannot read " + where);
  }
  if (dims) dims->assign(shape.begin(), shape.end());
  return values;
}

template <typename T>
void write_dataset(hid_t file, const std::filesystem::path& name, const std::string& path,
                   hid_t file_type, hid_t memory_type, const std::vector<T>& values,
                   const std::vector<std::uint64_t>& dims) {
  const std::string where = name.string() + ":" + path;
  std::vector<hsize_t> shape(dims.begin(), dims.end());
  std::size_t count = 1;
  for (hsize_t d : shape) count *= d;
  if (count != values.size()) throw Error("HDF5: shape does not match the data for " + where);
  Handle space = checked(H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr),
                         H5Sclose, "cannot create a dataspace for " + where);
  Handle dataset = checked(
      H5Dcreate2(file, path.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
      H5Dclose, "cannot create " + where);
  if (count > 0) {
    check(H5Dwrite(dataset.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
          "cannot write " + where);
  }
}

}  // namespace

Hdf5File Hdf5File::open(const std::filesystem::path& file) {
  if (!std::filesystem::is_regular_file(file)) throw InputError("cannot read " + file.string());
  if (H5Fis_hdf5(file.c_str()) <= 0) throw InputError(file.string() + ": not an HDF5 file");
  const hid_t id = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) throw InputError("cannot open HDF5 file " + file.string());
  return Hdf5File(id, file);
}

Hdf5File Hdf5File::create(const std::filesystem::path& file) {
  const hid_t id = H5Fcreate(file.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (id < 0) throw Error("cannot create HDF5 file " + file.string());
  return Hdf5File(id, file);
}

Hdf5File::~Hdf5File() {
  if (id_ >= 0) H5Fclose(id_);
}

Hdf5File::Hdf5File(Hdf5File&& other) noexcept
    : id_(std::exchange(other.id_, -1)), path_(std::move(other.path_)) {}

Hdf5File& Hdf5File::operator=(Hdf5File&& other) noexcept {
  if (this != &other) {
    if (id_ >= 0) H5Fclose(id_);
    id_ = std::exchange(other.id_, -1);
    path_ = std::move(other.path_);
  }
  return *this;
}

bool Hdf5File::has_attribute(const std::string& name) const {
  return H5Aexists(id_, name.c_str()) > 0;
}

double Hdf5File::read_double_attribute(const std::string& name) const {
  if (!has_attribute(name)) throw InputError(path_.string() + ": no attribute " + name);
  Handle attribute = checked(H5Aopen(id_, name.c_str(), H5P_DEFAULT), H5Aclose,
                             "cannot open attribute " + name + " of " + path_.string());
  double value = 0;
  check(H5Aread(attribute.get(), H5T_NATIVE_DOUBLE, &value),
        "cannot read attribute " + name + " of " + path_.string());
  return value;
}

std::string Hdf5File::read_string_attribute(const std::string& name) const {
  const std::string where = "attribute " + name + " of " + path_.string();
  if (!has_attribute(name)) throw InputError(path_.string() + ": no attribute " + name);
  Handle attribute =
      checked(H5Aopen(id_, name.c_str(), H5P_DEFAULT), H5Aclose, "cannot open " + where);
  Handle type = checked(H5Aget_type(attribute.get()), H5Tclose, "cannot read the type of " + where);
  if (H5Tget_class(type.get()) != H5T_STRING) throw InputError(where + " is not a string");
  Handle space =
      checked(H5Aget_space(attribute.get()), H5Sclose, "cannot read the shape of " + where);
  if (H5Sget_simple_extent_npoints(space.get()) != 1) {
    throw InputError(where + " must be a single string");
  }
  if (H5Tis_variable_str(type.get()) > 0) {
    Handle memory = checked(H5Tcopy(H5T_C_S1), H5Tclose, "cannot make a string type");
    check(H5Tset_size(memory.get(), H5T_VARIABLE), "cannot make a string type");
    char* text = nullptr;
    check(H5Aread(attribute.get(), memory.get(), &text), "cannot read " + where);
    std::string value = text ? text : "";
    H5free_memory(text);
    return value;
  }
  const std::size_t size = H5Tget_size(type.get());
  Handle memory = checked(H5Tcopy(H5T_C_S1), H5Tclose, "cannot make a string type");
  check(H5Tset_size(memory.get(), size + 1), "cannot make a string type");
  std::string buffer(size + 1, '\0');
  check(H5Aread(attribute.get(), memory.get(), buffer.data()), "cannot read " + where);
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

std::vector<std::int32_t> Hdf5File::read_int32(const std::string& path,
                                               std::vector<std::uint64_t>* dims) const {
  if (!has_dataset(path)) throw InputError(path_.string() + ": no dataset " + path);
  return read_dataset<std::int32_t>(id_, path_, path, H5T_NATIVE_INT32, dims);
}

std::vector<double> Hdf5File::read_double(const std::string& path,
                                          std::vector<std::uint64_t>* dims) const {
  if (!has_dataset(path)) throw InputError(path_.string() + ": no dataset " + path);
  return read_dataset<double>(id_, path_, path, H5T_NATIVE_DOUBLE, dims);
}

void Hdf5File::write_double_attribute(const std::string& name, double value) {
  Handle space = checked(H5Screate(H5S_SCALAR), H5Sclose, "cannot create a dataspace");
  Handle attribute =
      checked(H5Acreate2(id_, name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose, "cannot create attribute " + name + " in " + path_.string());
  check(H5Awrite(attribute.get(), H5T_NATIVE_DOUBLE, &value),
        "cannot write attribute " + name + " in " + path_.string());
}

void Hdf5File::write_string_attribute(const std::string& name, const std::string& value,
                                      bool variable_length) {
  const std::string where = "attribute " + name + " in " + path_.string();
  Handle type = checked(H5Tcopy(H5T_C_S1), H5Tclose, "cannot make a string type");
  if (variable_length) {
    check(H5Tset_size(type.get(), H5T_VARIABLE), "cannot size a string type");
  } else {
    check(H5Tset_size(type.get(), value.empty() ? 1 : value.size()), "cannot size a string type");
    check(H5Tset_strpad(type.get(), H5T_STR_NULLPAD), "cannot pad a string type");
  }
  Handle space = checked(H5Screate(H5S_SCALAR), H5Sclose, "cannot create a dataspace");
  Handle attribute =
      checked(H5Acreate2(id_, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose, "cannot create " + where);
  if (variable_length) {
    const char* text = value.c_str();
    check(H5Awrite(attribute.get(), type.get(), &text), "cannot write " + where);
  } else {
    std::string buffer = value.empty() ? std::string(1, '\0') : value;
    check(H5Awrite(attribute.get(), type.get(), buffer.data()), "cannot write " + where);
  }
}

void Hdf5File::create_group(const std::string& path) {
  Handle group = checked(H5Gcreate2(id_, path.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                         H5Gclose, "cannot create group " + path + " in " + path_.string());
}

void Hdf5File::write_int32(const std::string& path, const std::vector<std::int32_t>& values,
                           const std::vector<std::uint64_t>& dims) {
  write_dataset(id_, path_, path, H5T_STD_I32LE, H5T_NATIVE_INT32, values, dims);
}

void Hdf5File::write_double(const std::string& path, const std::vector<double>& values,
                            const std::vector<std::uint64_t>& dims) {
  write_dataset(id_, path_, path, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, values, dims);
}

}  // namespace nksim::report
