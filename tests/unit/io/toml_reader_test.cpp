#include "nksim/io/toml_reader.h"

#include <set>

#include <gtest/gtest.h>

#include "nksim/core/error.h"

namespace nksim {
namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(TableReader, ReadsTypedValuesAndAcceptsIntegersAsNumbers) {
  const auto doc = TomlDocument::parse_string("[a]\nx = 3\ny = 2.5\nname = 'n'\nv = [1, 2.5]\n",
                                              "t.toml");
  TableReader a = doc.reader().table("a");
  EXPECT_EQ(a.number("x"), 3.0);
  EXPECT_EQ(a.number("y", Bound::kPositive), 2.5);
  EXPECT_EQ(a.string("name"), "n");
  EXPECT_EQ(a.number_array("v"), (std::vector<double>{1, 2.5}));
  EXPECT_EQ(a.number_or("missing", 7), 7);
  EXPECT_NO_THROW(a.finish());
}

TEST(TableReader, UnknownKeyNamesFileLineAndSuggestion) {
  const auto doc = TomlDocument::parse_string("[sim]\nend_time = 3\nend_tme_days = 4\n", "s.toml");
  TableReader sim = doc.reader().table("sim");
  sim.number_or("end_time", 1);
  sim.number_or("end_time_days", 1);
  const std::string message = error_of([&] { sim.finish(); });
  EXPECT_NE(message.find("s.toml:3:1"), std::string::npos) << message;
  EXPECT_NE(message.find("unknown key 'end_tme_days' in [sim]"), std::string::npos) << message;
  EXPECT_NE(message.find("did you mean 'end_time_days'?"), std::string::npos) << message;
}

TEST(TableReader, WrongTypeBoundsAndNonFiniteAreRejected) {
  const auto doc = TomlDocument::parse_string(
      "s = 'x'\nneg = -1\nn = nan\ni = inf\nf = 1.5\n", "b.toml");
  TableReader r = doc.reader();
  EXPECT_NE(error_of([&] { r.number("s"); }).find("'s' must be a number, got a string"),
            std::string::npos);
  EXPECT_NE(error_of([&] { r.number("neg", Bound::kNonNegative); }).find("b.toml:2:"),
            std::string::npos);
  EXPECT_NE(error_of([&] { r.number("neg", Bound::kNonNegative); }).find("must be >= 0, got -1"),
            std::string::npos);
  EXPECT_NE(error_of([&] { r.number("n"); }).find("finite"), std::string::npos);
  EXPECT_NE(error_of([&] { r.number("i"); }).find("finite"), std::string::npos);
  EXPECT_NE(error_of([&] { r.number("f", Bound::kFraction); }).find("in [0, 1]"),
            std::string::npos);
  EXPECT_NE(error_of([&] { r.number("absent"); }).find("is required"), std::string::npos);
}

TEST(TableReader, ChoiceListsAllowedValues) {
  const auto doc = TomlDocument::parse_string("engine = 'wellmixed'\n", "c.toml");
  TableReader r = doc.reader();
  const std::vector<std::string> allowed = {"well_mixed", "spatial"};
  const std::string message = error_of([&] { r.choice("engine", allowed); });
  EXPECT_NE(message.find("expected one of: well_mixed, spatial"), std::string::npos) << message;
  EXPECT_NE(message.find("did you mean 'well_mixed'?"), std::string::npos) << message;
}

TEST(TomlDocument, SyntaxErrorAndMissingFile) {
  EXPECT_NE(error_of([] { TomlDocument::parse_string("a = = 1\n", "bad.toml"); })
                .find("bad.toml:1:"),
            std::string::npos);
  EXPECT_NE(error_of([] { TomlDocument::parse_file("/nonexistent/x.toml"); }).find("no such file"),
            std::string::npos);
}

TEST(TableReader, ArrayOfTablesPathsAreNumberedFromOne) {
  const auto doc = TomlDocument::parse_string("[[dose]]\na = 1\n[[dose]]\na = -2\n", "d.toml");
  auto doses = doc.reader().tables("dose");
  ASSERT_EQ(doses.size(), 2u);
  const std::string message = error_of([&] { doses[1].number("a", Bound::kNonNegative); });
  EXPECT_NE(message.find("'dose[2].a'"), std::string::npos) << message;
}

}  // namespace
}  // namespace nksim

namespace nksim {
namespace {

TEST(TomlDocument, WithNumberEditsACopyAndKeepsTypesAndLines) {
  const TomlDocument doc = TomlDocument::parse_string(
      "[sim]\nrate = 0.5\ncount = 10\nname = \"x\"\n[[pop]]\nn = 3\n", "base.toml");
  const TomlDocument a = doc.with_number("sim.rate", 0.25);
  EXPECT_DOUBLE_EQ(a.reader().table("sim").number("rate"), 0.25);
  EXPECT_DOUBLE_EQ(doc.reader().table("sim").number("rate"), 0.5) << "the original is unchanged";
  const TomlDocument b = doc.with_number("sim.count", 13).with_number("pop[1].n", 4);
  EXPECT_EQ(b.reader().table("sim").integer("count", 0), 13) << "a whole value stays an integer";
  // A fraction turns an integer key into a float; a reader needing a whole number says so.
  const TomlDocument f = doc.with_number("sim.count", 12.5);
  EXPECT_DOUBLE_EQ(f.reader().table("sim").number("count"), 12.5);
  EXPECT_THROW(f.reader().table("sim").integer("count", 0), InputError);
  EXPECT_EQ(b.reader().tables("pop")[0].integer("n", 0), 4);
  const TomlDocument c = doc.with_number("sim.seed", 7);  // added to an existing table
  EXPECT_DOUBLE_EQ(c.reader().table("sim").number("seed"), 7);
  // An error on an edited value still names the original line.
  TableReader sim = b.reader().table("sim");
  try {
    sim.integer("count", 0, 5);
    ADD_FAILURE() << "13 > 5 must be refused";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("base.toml:3"), std::string::npos) << e.what();
  }
  EXPECT_THROW(doc.with_number("pop[0].n", 1), InputError);      // elements count from 1
  EXPECT_THROW(doc.with_number("pop[2].n", 1), InputError);      // there is one
  EXPECT_FALSE(doc.node("pop[2].n"));
  EXPECT_EQ(doc.node("pop[1].n").value<std::int64_t>(), 3);
  EXPECT_THROW(doc.with_number("sim.name", 1), InputError);      // a string
  EXPECT_THROW(doc.with_number("nowhere.rate", 1), InputError);  // no such table
  EXPECT_THROW(doc.with_number("sim.rate", std::nan("")), InputError);
}

TEST(TomlDocument, RecordsEveryKeyAskedForWithItsDottedPath) {
  TomlDocument document =
      TomlDocument::parse_string("a = 1\n[t]\nb = 2\n[[d]]\nc = 3\n[[d]]\nc = 4\n", "k.toml");
  TableReader untracked = document.reader();
  untracked.number("a");
  EXPECT_TRUE(document.keys_asked().empty());  // only once asked to record
  document.record_keys_asked();
  TableReader root = document.reader();
  root.number("a");
  root.number_or("absent", 0.0);  // asked for, not present: recorded too
  TableReader t = root.table("t");
  t.number("b");
  t.integer_or("n", 1, 0);
  for (TableReader& d : root.tables("d")) d.number("c");
  root.mark_known("elsewhere");
  const std::set<std::string> expected = {"a", "absent", "t",      "t.b",      "t.n",
                                          "d", "d[1].c", "d[2].c", "elsewhere"};
  EXPECT_EQ(document.keys_asked(), expected);
}

}  // namespace
}  // namespace nksim
