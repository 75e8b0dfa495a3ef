// Each model's and each spatial mechanism's doc page embeds the tables `nksim describe NAME
// --markdown` prints, verbatim, so parameters, units, values and sources in docs/ cannot drift
// from the code.
#include <gtest/gtest.h>

#include "nksim/mechanisms/builtin.h"
#include "nksim/ode/ode_model.h"
#include "support/run_cli.h"

namespace nksim {
namespace {

TEST(DocsSync, ModelPagesEmbedTheGeneratedTables) {
  for (const std::string& model : model_names()) {  // every built-in model has a page
    const auto generated = testing::run_cli("describe " + model + " --markdown");
    ASSERT_EQ(generated.exit_code, 0);
    const std::string page = testing::read_file(std::string(NKSIM_SOURCE_DIR) + "/docs/models/" +
                                                model + ".md");
    EXPECT_NE(page.find(generated.output), std::string::npos)
        << "docs/models/" << model << ".md is out of date; regenerate its table with: nksim "
        << "describe " << model << " --markdown";
  }
}

TEST(DocsSync, MechanismPagesEmbedTheGeneratedTables) {
  for (const std::string& mechanism : mechanism_names()) {
    const auto generated = testing::run_cli("describe " + mechanism + " --markdown");
    ASSERT_EQ(generated.exit_code, 0) << generated.output;
    ASSERT_NE(generated.output.find("| key | unit | default |"), std::string::npos);
    const std::string page =
        testing::read_file(std::string(NKSIM_SOURCE_DIR) + "/docs/mechanisms/" + mechanism + ".md");
    EXPECT_NE(page.find(generated.output), std::string::npos)
        << "docs/mechanisms/" << mechanism << ".md is out of date; regenerate its table with: "
        << "nksim describe " << mechanism << " --markdown";
  }
}

TEST(DocsSync, CliPageShowsTheRealDescribeOutput) {
  const auto death = testing::run_cli("describe death");
  ASSERT_EQ(death.exit_code, 0) << death.output;
  const auto unknown = testing::run_cli("describe nk_recognition_kil");
  ASSERT_EQ(unknown.exit_code, 2) << unknown.output;
  const std::string page = testing::read_file(std::string(NKSIM_SOURCE_DIR) + "/docs/cli.md");
  const std::string shown = "$ nksim describe death\n" + death.output + "\n" +
                            "$ nksim describe nk_recognition_kil\n" + unknown.output;
  EXPECT_NE(page.find(shown), std::string::npos)
      << "docs/cli.md: the describe example differs from what nksim prints";
}

}  // namespace
}  // namespace nksim
