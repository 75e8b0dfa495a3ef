#include "nksim/core/text.h"

#include <gtest/gtest.h>

namespace nksim {
namespace {

TEST(EditDistance, ClassicExamples) {
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("same", "same"), 0u);
}

TEST(Nearest, SuggestsPlausibleTyposOnly) {
  const std::vector<std::string> keys = {"end_time_days", "output_interval_days", "model"};
  EXPECT_EQ(nearest("end_time_day", keys), "end_time_days");
  EXPECT_EQ(nearest("modle", keys), "model");
  EXPECT_EQ(nearest("completely_different", keys), "");
}

TEST(FormatNumber, KeepsFifteenSignificantDigits) {
  EXPECT_EQ(format_number(0.1), "0.1");
  EXPECT_EQ(format_number(1.0 / 3.0), "0.333333333333333");
  EXPECT_EQ(format_number(1e6), "1000000");
}

TEST(Fnv1a, KnownVectors) {
  // Published FNV-1a 64-bit test vectors.
  EXPECT_EQ(fnv1a_hex(""), "cbf29ce484222325");
  EXPECT_EQ(fnv1a_hex("a"), "af63dc4c8601ec8c");
}

}  // namespace
}  // namespace nksim
