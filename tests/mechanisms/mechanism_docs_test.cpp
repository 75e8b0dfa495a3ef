// Convention check: every registered mechanism has its page docs/mechanisms/<name>.md, and the
// page names the mechanism (STYLE.md: one chain of names from registration to documentation).
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "nksim/mechanisms/builtin.h"

namespace nksim {
namespace {

TEST(MechanismDocs, EveryRegisteredMechanismHasAPage) {
  for (const std::string& name : mechanism_names()) {
    const std::filesystem::path page =
        std::filesystem::path(NKSIM_SOURCE_DIR) / "docs" / "mechanisms" / (name + ".md");
    std::ifstream in(page);
    ASSERT_TRUE(in.good()) << "missing " << page;
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_NE(text.str().find(name), std::string::npos) << page << " does not name " << name;
  }
}

}  // namespace
}  // namespace nksim
