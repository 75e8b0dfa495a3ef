// The CSV reader (io/csv_fields.h): RFC 4180 quoting, line ends, trimming, blank and comment
// lines, and the line and column every field keeps for messages.
#include "nksim/io/csv_fields.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "nksim/core/error.h"

namespace nksim {
namespace csv_fields_test {

using Rows = std::vector<std::vector<std::string>>;

Rows all_rows(const std::string& text, CsvOptions options = {}) {
  CsvReader csv(text, "t.csv", options);
  Rows rows;
  CsvRecord record;
  while (csv.next(record)) rows.push_back(record.texts());
  return rows;
}

std::string error_of(const std::string& text, CsvOptions options = {}) {
  try {
    all_rows(text, options);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(CsvFields, PlainFieldsAndEmptyFields) {
  EXPECT_EQ(all_rows("a,b,c\n1,2,3\n"), (Rows{{"a", "b", "c"}, {"1", "2", "3"}}));
  // Empty fields anywhere, a trailing comma is an empty last field, no line end at the end.
  EXPECT_EQ(all_rows(",x,,\n,"), (Rows{{"", "x", "", ""}, {"", ""}}));
  EXPECT_EQ(all_rows(""), Rows{});
}

TEST(CsvFields, QuotedFieldsHoldCommasQuotesAndLineEnds) {
  EXPECT_EQ(all_rows("name,note\n\"Smith, J\",\"say \"\"hi\"\"\"\n"),
            (Rows{{"name", "note"}, {"Smith, J", "say \"hi\""}}));
  EXPECT_EQ(all_rows("\"\",\"\"\"\"\n"), (Rows{{"", "\""}}));
  // A line end inside quotes belongs to the field; the record goes on.
  EXPECT_EQ(all_rows("a,\"two\nlines\",b\nc\n"), (Rows{{"a", "two\nlines", "b"}, {"c"}}));
  // A quote inside an unquoted field is an ordinary character.
  EXPECT_EQ(all_rows("5\" disc,x\n"), (Rows{{"5\" disc", "x"}}));
}

TEST(CsvFields, CrlfLineEndsAndByteOrderMark) {
  EXPECT_EQ(all_rows("\xEF\xBB\xBF"
                     "a,b\r\n1,\"2\"\r\n3,\r\n"),
            (Rows{{"a", "b"}, {"1", "2"}, {"3", ""}}));
  // A carriage return inside quotes is kept.
  EXPECT_EQ(all_rows("\"x\r\ny\"\r\n"), (Rows{{"x\r\ny"}}));
}

TEST(CsvFields, TrimmingAndCommentsAreOptions) {
  const std::string text = "# source: a paper\n a , \" b \" ,c\t\n\n   \n  # indented comment\n";
  EXPECT_EQ(all_rows(text, {.trim = true, .comments = true}), (Rows{{"a", " b ", "c"}}));
  // Without trim, spaces are part of unquoted fields; blank lines are skipped either way.
  EXPECT_EQ(all_rows("# c\n a ,b \n\n", {}), (Rows{{"# c"}, {" a ", "b "}}));
}

TEST(CsvFields, FieldsKeepTheirLineAndColumn) {
  CsvReader csv("\xEF\xBB\xBFh1,h2\n\n# note\n10, \"x,y\",z\n\"a\nb\",c\n", "t.csv",
                {.trim = true, .comments = true});
  CsvRecord r;
  ASSERT_TRUE(csv.next(r));
  EXPECT_EQ(r.line, 1u);
  EXPECT_EQ(r[1].column, 4u);  // the byte-order mark is not counted
  ASSERT_TRUE(csv.next(r));
  EXPECT_EQ(r.line, 4u);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[1].text, "x,y");
  EXPECT_EQ(r[1].column, 4u);
  EXPECT_EQ(r[2].column, 11u);
  ASSERT_TRUE(csv.next(r));
  EXPECT_EQ(r.line, 5u);
  EXPECT_EQ(r[0].line, 5u);
  EXPECT_EQ(r[1].line, 6u);  // after the line end inside the quoted field
  EXPECT_EQ(r[1].column, 4u);
  EXPECT_FALSE(csv.next(r));
  EXPECT_EQ(csv.line(), 6u);
}

TEST(CsvFields, UnterminatedQuoteAndTextAfterAQuoteAreErrors) {
  EXPECT_EQ(error_of("a,b\n1,\"open\n2,3\n"),
            "t.csv:2:3: the quoted field that starts here is not closed (no closing quote before "
            "the end of the file)");
  EXPECT_EQ(error_of("a,b\n\"x\"y,2\n"),
            "t.csv:2:4: text after the closing quote of a quoted field (write a quote inside a "
            "quoted field as two quotes: \"\")");
  // Spaces after the closing quote are allowed only when fields are trimmed.
  EXPECT_EQ(all_rows("\"x\"  ,y\n", {.trim = true}), (Rows{{"x", "y"}}));
  EXPECT_NE(error_of("\"x\"  ,y\n"), "no error");
}

TEST(CsvFields, BadNumbersNameFileLineAndColumn) {
  CsvReader csv("t,v\n0,1.5\n1, 2e3\n2,abc\n3,nan\n4,\n", "data.csv", {.trim = true});
  CsvRecord r;
  ASSERT_TRUE(csv.next(r));
  ASSERT_TRUE(csv.next(r));
  EXPECT_EQ(csv.finite_number(r[1], "v"), 1.5);
  ASSERT_TRUE(csv.next(r));
  EXPECT_EQ(csv.finite_number(r[1], "v"), 2000.0);
  const auto message = [&]() -> std::string {
    EXPECT_TRUE(csv.next(r));
    try {
      (void)csv.finite_number(r[1], "v");
    } catch (const InputError& e) {
      return e.what();
    }
    return "no error";
  };
  EXPECT_EQ(message(), "data.csv:4:3: 'v' must be a finite number, got 'abc'");
  EXPECT_EQ(message(), "data.csv:5:3: 'v' must be a finite number, got 'nan'");
  EXPECT_EQ(message(), "data.csv:6:3: 'v' must be a finite number, got ''");
}

TEST(CsvFields, SplitOneLine) {
  EXPECT_EQ(split_csv_fields("a,\"b,c\","), (std::vector<std::string>{"a", "b,c", ""}));
  EXPECT_EQ(split_csv_fields(" a , b"), (std::vector<std::string>{" a ", " b"}));
  EXPECT_EQ(split_csv_fields(""), std::vector<std::string>{});
  EXPECT_THROW(split_csv_fields("\"open"), InputError);
}

}  // namespace csv_fields_test
}  // namespace nksim
