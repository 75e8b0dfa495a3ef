// The saved state of a run (a checkpoint): named, typed arrays of plain values, written to one
// file and read back bit for bit.
//
// Every piece of run state (agent columns, field values, clocks, each mechanism's tallies and
// neighbour lists, the outputs recorded so far) is a named section. Names are scoped by a prefix
// the owner sets ("agents/", "mechanism/3/nk_infusion/"), so two owners never collide. Reading a
// section checks its element type and, where the caller knows it, its length: a checkpoint from
// another build or another scenario is refused with a message, never misread.
//
// File layout (host byte order, refused on a machine of the other order):
//   "NKSIMCKP", u32 byte-order mark 0x01020304, u32 format version, u64 section count,
//   per section: u32 name length, name, u8 kind ('f' float, 'i' signed, 'u' unsigned),
//                u8 element size, u64 element count, the elements;
//   u64 FNV-1a hash of everything before it (a truncated or damaged file is refused).
// Files are written to a temporary name, flushed to disk and renamed: a checkpoint is whole or
// absent, even when the process is killed while writing it.
#pragma once

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "nksim/core/error.h"

namespace nksim {

namespace archive_detail {
template <class T>
constexpr char kind() {
  static_assert(std::is_arithmetic_v<T>, "sections hold plain numbers");
  return std::is_floating_point_v<T> ? 'f' : std::is_signed_v<T> ? 'i' : 'u';
}
struct Section {
  char kind = 'u';
  std::uint8_t size = 1;
  std::uint64_t count = 0;
  std::vector<unsigned char> bytes;
};
}  // namespace archive_detail

class StateWriter {
 public:
  // Names that follow are prefixed with `prefix` (e.g. "mechanism/2/mechanics/").
  void set_prefix(std::string prefix) { prefix_ = std::move(prefix); }
  const std::string& prefix() const { return prefix_; }

  template <class T>
  void put(const std::string& name, std::span<const T> values) {
    archive_detail::Section s;
    s.kind = archive_detail::kind<T>();
    s.size = sizeof(T);
    s.count = values.size();
    s.bytes.resize(values.size_bytes());
    if (!values.empty()) std::memcpy(s.bytes.data(), values.data(), values.size_bytes());
    add(name, std::move(s));
  }
  template <class T>
  void put(const std::string& name, const std::vector<T>& values) {
    put(name, std::span<const T>(values));
  }
  template <class T>
  void put_value(const std::string& name, T value) {
    put(name, std::span<const T>(&value, 1));
  }
  void put_text(const std::string& name, const std::string& text);

  // Writes the file atomically (temporary file, fsync, rename). Throws Error.
  void write_file(const std::filesystem::path& path) const;

 private:
  void add(const std::string& name, archive_detail::Section section);
  std::string prefix_;
  std::map<std::string, archive_detail::Section> sections_;
};

class StateReader {
 public:
  // Reads and checks a file written by StateWriter. Throws InputError naming the file.
  static StateReader read_file(const std::filesystem::path& path);

  void set_prefix(std::string prefix) { prefix_ = std::move(prefix); }
  bool has(const std::string& name) const { return sections_.count(prefix_ + name) > 0; }

  // The section's values; throws InputError when it is missing, of another type or (when
  // `expected_count` is given) of another length.
  template <class T>
  std::vector<T> get(const std::string& name, std::int64_t expected_count = -1) const {
    const archive_detail::Section& s = find(name, archive_detail::kind<T>(), sizeof(T));
    if (expected_count >= 0 && s.count != static_cast<std::uint64_t>(expected_count)) {
      mismatch(name, "holds " + std::to_string(s.count) + " values, expected " +
                         std::to_string(expected_count));
    }
    std::vector<T> values(s.count);
    if (s.count) std::memcpy(values.data(), s.bytes.data(), s.bytes.size());
    return values;
  }
  template <class T>
  T get_value(const std::string& name) const {
    return get<T>(name, 1)[0];
  }
  std::string get_text(const std::string& name) const;

  const std::filesystem::path& path() const { return path_; }

 private:
  const archive_detail::Section& find(const std::string& name, char kind, std::size_t size) const;
  [[noreturn]] void mismatch(const std::string& name, const std::string& what) const;
  std::filesystem::path path_;
  std::string prefix_;
  std::map<std::string, archive_detail::Section> sections_;
};

}  // namespace nksim
