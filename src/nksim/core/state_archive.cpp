#include "nksim/core/state_archive.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>

#include "nksim/core/text.h"

namespace nksim {
namespace {

constexpr char kMagic[8] = {'N', 'K', 'S', 'I', 'M', 'C', 'K', 'P'};
constexpr std::uint32_t kByteOrder = 0x01020304u;
constexpr std::uint32_t kFormatVersion = 2;  // 2: the NK agent columns became nk_recognition_kill's

template <class T>
void append(std::string& out, T value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

// Reads plain values from the file's bytes; every overrun is a damaged file.
class Cursor {
 public:
  Cursor(const std::string& bytes, std::size_t end, const std::filesystem::path& path)
      : bytes_(bytes), end_(end), path_(path) {}
  template <class T>
  T take() {
    T value;
    std::memcpy(&value, need(sizeof value), sizeof value);
    return value;
  }
  const char* need(std::uint64_t n) {
    if (n > end_ - at_) damaged("it ends in the middle of a section");
    const char* p = bytes_.data() + at_;
    at_ += n;
    return p;
  }
  bool done() const { return at_ == end_; }
  [[noreturn]] void damaged(const std::string& why) const {
    throw InputError(path_.string() + ": not a readable nksim checkpoint (" + why + ")");
  }

 private:
  const std::string& bytes_;
  std::size_t end_;
  std::size_t at_ = 0;
  const std::filesystem::path& path_;
};

void write_all(int fd, const std::string& bytes, const std::filesystem::path& path) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw Error("cannot write " + path.string() + ": " + std::strerror(errno));
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace

void StateWriter::put_text(const std::string& name, const std::string& text) {
  put(name, std::span<const char>(text.data(), text.size()));
}

void StateWriter::add(const std::string& name, archive_detail::Section section) {
  const std::string full = prefix_ + name;
  if (!sections_.emplace(full, std::move(section)).second) {
    throw Error("checkpoint: section '" + full + "' written twice");
  }
}

void StateWriter::write_file(const std::filesystem::path& path) const {
  std::string bytes(kMagic, sizeof kMagic);
  append(bytes, kByteOrder);
  append(bytes, kFormatVersion);
  append(bytes, static_cast<std::uint64_t>(sections_.size()));
  for (const auto& [name, s] : sections_) {
    append(bytes, static_cast<std::uint32_t>(name.size()));
    bytes += name;
    append(bytes, s.kind);
    append(bytes, s.size);
    append(bytes, s.count);
    bytes.append(reinterpret_cast<const char*>(s.bytes.data()), s.bytes.size());
  }
  append(bytes, fnv1a(bytes));

  const std::filesystem::path temporary = path.string() + ".writing";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw Error("cannot create " + temporary.string() + ": " + std::strerror(errno));
  try {
    write_all(fd, bytes, temporary);
  } catch (...) {
    ::close(fd);
    throw;
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    throw Error("cannot write " + temporary.string() + ": " + std::strerror(errno));
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) throw Error("cannot move " + temporary.string() + " to " + path.string());
}

StateReader StateReader::read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string() + ": cannot open the checkpoint");
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  StateReader reader;
  reader.path_ = path;
  const std::size_t hash_at = bytes.size() < sizeof(std::uint64_t) ? 0 : bytes.size() - 8;
  Cursor whole(bytes, bytes.size(), path);
  if (bytes.size() < sizeof kMagic + 24 || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    whole.damaged("no checkpoint header");
  }
  std::uint64_t stored_hash;
  std::memcpy(&stored_hash, bytes.data() + hash_at, sizeof stored_hash);
  if (fnv1a(std::string_view(bytes.data(), hash_at)) != stored_hash) {
    whole.damaged("its checksum does not match: the file is truncated or damaged");
  }
  Cursor c(bytes, hash_at, path);
  c.need(sizeof kMagic);
  if (c.take<std::uint32_t>() != kByteOrder)
    c.damaged("written on a machine of another byte order");
  const auto version = c.take<std::uint32_t>();
  if (version != kFormatVersion) {
    c.damaged("format version " + std::to_string(version) + ", this nksim reads version " +
              std::to_string(kFormatVersion));
  }
  const auto count = c.take<std::uint64_t>();
  for (std::uint64_t k = 0; k < count; ++k) {
    const auto name_size = c.take<std::uint32_t>();
    std::string name(c.need(name_size), name_size);
    archive_detail::Section s;
    s.kind = c.take<char>();
    s.size = c.take<std::uint8_t>();
    s.count = c.take<std::uint64_t>();
    if (s.size == 0 || s.count > (hash_at / s.size))
      c.damaged("section '" + name + "' is too long");
    const char* data = c.need(s.count * s.size);
    s.bytes.assign(data, data + s.count * s.size);
    reader.sections_.emplace(std::move(name), std::move(s));
  }
  if (!c.done()) c.damaged("bytes after the last section");
  return reader;
}

std::string StateReader::get_text(const std::string& name) const {
  const std::vector<char> chars = get<char>(name);
  return std::string(chars.begin(), chars.end());
}

const archive_detail::Section& StateReader::find(const std::string& name, char kind,
                                                 std::size_t size) const {
  const auto it = sections_.find(prefix_ + name);
  if (it == sections_.end()) mismatch(name, "is missing");
  if (it->second.kind != kind || it->second.size != size) {
    mismatch(name, "holds values of another type");
  }
  return it->second;
}

void StateReader::mismatch(const std::string& name, const std::string& what) const {
  throw InputError(path_.string() + ": checkpoint section '" + prefix_ + name + "' " + what +
                   " (was it written by another nksim version or for another scenario?)");
}

}  // namespace nksim
