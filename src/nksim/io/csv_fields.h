// Reading CSV files (RFC 4180) the one way nksim does: measurements and lysis data for `nksim
// fit`, `personalise` and `calibrate`, and the CSV outputs the report reads back.
//
// - Fields are separated by commas; a record ends at a line end (LF or CRLF).
// - A field may be quoted: "a, b" is the one field `a, b`; inside quotes a doubled quote is one
//   quote ("say ""hi""" is `say "hi"`) and a line end is part of the field. A quote inside an
//   unquoted field is an ordinary character; text after a closing quote is an error.
// - With `trim`, spaces and tabs around a field (outside its quotes) are removed; inside quotes
//   they are kept.
// - A UTF-8 byte-order mark at the start of the file is dropped. Blank lines are skipped, and with
//   `comments` so are lines whose first non-blank character is '#'.
// - Every field keeps the 1-based line and column (in bytes) where it starts, so that messages
//   can name them: `file:line:column: message`.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace nksim {

struct CsvField {
  std::string text;        // quotes removed, doubled quotes undone, trimmed when asked
  std::size_t line = 0;    // 1-based line where the field starts
  std::size_t column = 0;  // 1-based column (bytes) just after the previous comma
};

struct CsvRecord {
  std::size_t line = 0;  // 1-based line where the record starts
  std::vector<CsvField> fields;

  std::size_t size() const { return fields.size(); }
  const CsvField& operator[](std::size_t k) const { return fields[k]; }
  // The texts of the fields.
  std::vector<std::string> texts() const;
};

struct CsvOptions {
  bool trim = false;      // remove spaces and tabs around each field
  bool comments = false;  // skip lines whose first non-blank character is '#'
};

class CsvReader {
 public:
  // Reads `text`; `name` (usually the file) starts every message.
  CsvReader(std::string text, std::string name, CsvOptions options = {});
  // Reads the whole file. Throws InputError "<file>: cannot be read".
  static CsvReader open(const std::filesystem::path& file, CsvOptions options = {});

  // The next record into `record`; false at the end of the text. Throws InputError naming the
  // line and column of a quoted field that is never closed or is followed by text.
  bool next(CsvRecord& record);
  // The number of lines read so far (the last line of the last record returned).
  std::size_t line() const { return line_; }
  const std::string& name() const { return name_; }

  // Throws InputError "<name>:<line>:<column>: <message>".
  [[noreturn]] void fail(std::size_t line, std::size_t column, const std::string& message) const;
  [[noreturn]] void fail(const CsvField& field, const std::string& message) const {
    fail(field.line, field.column, message);
  }
  // The field as a finite number (from_chars: no spaces, no trailing text); otherwise throws
  // InputError "<name>:<line>:<column>: '<column_name>' must be a finite number, got '<text>'".
  double finite_number(const CsvField& field, std::string_view column_name) const;

 private:
  std::string text_;
  std::string name_;
  CsvOptions options_;
  std::size_t at_ = 0;    // next character to read
  std::size_t line_ = 0;  // lines read so far
};

// Splits one line (no line end) into its field texts without trimming: `a,"b,c",` is `a`,
// `b,c` and ``. Throws InputError (naming `name`) when a quote is not closed.
std::vector<std::string> split_csv_fields(std::string_view line,
                                          const std::string& name = "CSV line");

}  // namespace nksim
