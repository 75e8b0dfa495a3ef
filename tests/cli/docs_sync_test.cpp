// Each model's doc page embeds the tables `nksim describe MODEL --markdown` prints, verbatim,
// so parameters, units, values and sources in docs/ cannot drift from the code.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace nksim
