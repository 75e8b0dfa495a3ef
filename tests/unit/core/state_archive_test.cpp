// The checkpoint file: every value comes back bit for bit, and a file that is damaged, truncated
// or read with the wrong type is refused with a message naming it.
#include "nksim/core/state_archive.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>

namespace nksim {
namespace {

std::filesystem::path temp_file(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("nksim-state-archive-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir / name;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(StateArchive, ValuesComeBackBitForBit) {
  const std::vector<double> doubles = {0.1, -0.0, 1e-310, std::numeric_limits<double>::max(),
                                       std::nan("7")};
  const std::vector<std::uint8_t> bytes = {0, 255, 7};
  StateWriter out;
  out.set_prefix("a/");
  out.put("doubles", doubles);
  out.put("bytes", bytes);
  out.put("empty", std::vector<std::int32_t>{});
  out.put_value("count", std::uint64_t{1} << 63);
  out.set_prefix("b/");
  out.put_text("text", std::string("two\nlines\0and a nul", 19));
  const auto file = temp_file("roundtrip.nksim");
  out.write_file(file);
  EXPECT_FALSE(std::filesystem::exists(file.string() + ".writing"));

  StateReader in = StateReader::read_file(file);
  in.set_prefix("a/");
  const std::vector<double> back = in.get<double>("doubles", 5);
  ASSERT_EQ(back.size(), doubles.size());
  EXPECT_EQ(std::memcmp(back.data(), doubles.data(), sizeof(double) * doubles.size()), 0);
  EXPECT_EQ(in.get<std::uint8_t>("bytes"), bytes);
  EXPECT_TRUE(in.get<std::int32_t>("empty").empty());
  EXPECT_EQ(in.get_value<std::uint64_t>("count"), std::uint64_t{1} << 63);
  EXPECT_FALSE(in.has("text"));
  in.set_prefix("b/");
  EXPECT_EQ(in.get_text("text"), std::string("two\nlines\0and a nul", 19));
}

TEST(StateArchive, WrongTypeLengthOrNameIsRefused) {
  StateWriter out;
  out.put("x", std::vector<double>{1, 2, 3});
  const auto file = temp_file("types.nksim");
  out.write_file(file);
  const StateReader in = StateReader::read_file(file);
  EXPECT_NE(error_of([&] { in.get<float>("x"); }).find("another type"), std::string::npos);
  EXPECT_NE(error_of([&] { in.get<std::int64_t>("x"); }).find("another type"), std::string::npos);
  EXPECT_NE(error_of([&] { in.get<double>("x", 4); }).find("holds 3 values, expected 4"),
            std::string::npos);
  EXPECT_NE(error_of([&] { in.get<double>("y"); }).find("'y' is missing"), std::string::npos);
  EXPECT_THROW(out.put("x", std::vector<double>{}), Error);  // a name is written once
}

TEST(StateArchive, DamagedOrTruncatedFilesAreRefused) {
  StateWriter out;
  out.put("x", std::vector<double>(100, 2.5));
  const auto file = temp_file("damaged.nksim");
  out.write_file(file);
  std::string bytes;
  {
    std::ifstream in(file, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const auto write = [&](const std::string& b) {
    std::ofstream(file, std::ios::binary | std::ios::trunc) << b;
  };
  std::string flipped = bytes;
  flipped[bytes.size() / 2] ^= 0x10;
  write(flipped);
  EXPECT_NE(error_of([&] { StateReader::read_file(file); }).find("checksum"), std::string::npos);
  write(bytes.substr(0, bytes.size() - 100));
  EXPECT_NE(error_of([&] { StateReader::read_file(file); }).find("not a readable"),
            std::string::npos);
  write("just some text, long enough to hold a header and a hash");
  EXPECT_NE(error_of([&] { StateReader::read_file(file); }).find("no checkpoint header"),
            std::string::npos);
  write("");
  EXPECT_NE(error_of([&] { StateReader::read_file(file); }).find(file.string()), std::string::npos);
  std::filesystem::remove(file);
  EXPECT_NE(error_of([&] { StateReader::read_file(file); }).find("cannot open"), std::string::npos);
}

}  // namespace
}  // namespace nksim
