#include "nksim/core/text.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

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
TEST(SplitList, TrimsSpacesAndKeepsEmptyItems) {
  EXPECT_EQ(split_list("tumour, nk,t_cell"), (std::vector<std::string>{"tumour", "nk", "t_cell"}));
  EXPECT_EQ(split_list("a,,b"), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(split_list("a,"), (std::vector<std::string>{"a"}));
  EXPECT_TRUE(split_list("").empty());
}

TEST(UnitVariants, SameStemOtherUnit) {
  EXPECT_TRUE(same_quantity_other_unit("time_min", "time_days"));
  EXPECT_TRUE(same_quantity_other_unit("diffusion_um2_per_s", "diffusion_um2_per_min"));
  EXPECT_TRUE(same_quantity_other_unit("cycle_duration_h", "cycle_duration_min"));
  EXPECT_FALSE(same_quantity_other_unit("time_min", "time_min"));
  EXPECT_FALSE(same_quantity_other_unit("start_days", "stop_days"));
  EXPECT_FALSE(same_quantity_other_unit("radius_um", "inner_radius_um"));
  EXPECT_FALSE(same_quantity_other_unit("count", "counts"));
  const std::vector<std::string> keys = {"time_days", "amount"};
  EXPECT_EQ(nearest_key("time_min", keys), "time_days");
  EXPECT_EQ(nearest_key("amonut", keys), "amount");
  EXPECT_EQ(nearest_key("rate_per_day", keys), "");
}

}  // namespace nksim
