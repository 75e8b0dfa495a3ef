#include "nksim/io/csv_fields.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>
#include <system_error>

#include "nksim/core/error.h"

namespace nksim {
namespace {

constexpr std::string_view kCsvUtf8Bom = "\xEF\xBB\xBF";

bool csv_is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

}  // namespace

std::vector<std::string> CsvRecord::texts() const {
  std::vector<std::string> out;
  out.reserve(fields.size());
  for (const CsvField& f : fields) out.push_back(f.text);
  return out;
}

CsvReader::CsvReader(std::string text, std::string name, CsvOptions options)
    : text_(std::move(text)), name_(std::move(name)), options_(options) {
  if (std::string_view(text_).starts_with(kCsvUtf8Bom)) at_ = kCsvUtf8Bom.size();
}

CsvReader CsvReader::open(const std::filesystem::path& file, CsvOptions options) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(file.string() + ": cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  return CsvReader(text.str(), file.string(), options);
}

void CsvReader::fail(std::size_t line, std::size_t column, const std::string& message) const {
  throw InputError(name_ + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " +
                   message);
}

double CsvReader::finite_number(const CsvField& field, std::string_view column_name) const {
  double value = 0;
  const char* begin = field.text.data();
  const char* end = begin + field.text.size();
  const auto [ptr, ec] = std::from_chars(begin, end, value);
  if (field.text.empty() || ec != std::errc() || ptr != end || !std::isfinite(value)) {
    fail(field,
         "'" + std::string(column_name) + "' must be a finite number, got '" + field.text + "'");
  }
  return value;
}

bool CsvReader::next(CsvRecord& record) {
  record.fields.clear();
  const std::size_t n = text_.size();
  // Skip blank lines (and comment lines when asked); `at_` is always at the start of a line.
  while (true) {
    if (at_ >= n) return false;
    std::size_t p = at_;
    while (p < n && csv_is_blank(text_[p])) ++p;
    const bool blank = p >= n || text_[p] == '\n';
    if (!blank && !(options_.comments && text_[p] == '#')) break;
    ++line_;
    const std::size_t end = text_.find('\n', at_);
    at_ = end == std::string::npos ? n : end + 1;
  }
  ++line_;
  record.line = line_;
  std::size_t line_start = at_;  // for columns; moves on when a quoted field holds a line end
  while (true) {
    CsvField field;
    field.line = line_;
    field.column = at_ - line_start + 1;
    std::size_t p = at_;
    if (options_.trim) {
      while (p < n && (text_[p] == ' ' || text_[p] == '\t')) ++p;
    }
    if (p < n && text_[p] == '"') {
      const std::size_t open_line = line_;
      const std::size_t open_column = p - line_start + 1;
      for (++p;; ++p) {
        if (p >= n) {
          fail(open_line, open_column,
               "the quoted field that starts here is not closed (no closing quote before the end "
               "of the file)");
        }
        const char c = text_[p];
        if (c == '"') {
          if (p + 1 < n && text_[p + 1] == '"') {
            field.text += '"';
            ++p;
            continue;
          }
          ++p;
          break;
        }
        if (c == '\n') {
          ++line_;
          line_start = p + 1;
        }
        field.text += c;
      }
      if (options_.trim) {
        while (p < n && (text_[p] == ' ' || text_[p] == '\t')) ++p;
      }
      if (p < n && text_[p] == '\r' && (p + 1 == n || text_[p + 1] == '\n')) ++p;
      if (p < n && text_[p] != ',' && text_[p] != '\n') {
        fail(line_, p - line_start + 1,
             "text after the closing quote of a quoted field (write a quote inside a quoted "
             "field as two quotes: \"\")");
      }
    } else {
      std::size_t end = text_.find_first_of(",\n", p);
      if (end == std::string::npos) end = n;
      std::size_t last = end;
      if (options_.trim) {
        while (last > p && csv_is_blank(text_[last - 1])) --last;
      } else if (last > p && text_[last - 1] == '\r' && (end == n || text_[end] == '\n')) {
        --last;  // CRLF line end
      }
      field.text.assign(text_, p, last - p);
      p = end;
    }
    record.fields.push_back(std::move(field));
    if (p < n && text_[p] == ',') {
      at_ = p + 1;
      continue;
    }
    at_ = p < n ? p + 1 : n;
    return true;
  }
}

std::vector<std::string> split_csv_fields(std::string_view line, const std::string& name) {
  CsvReader reader{std::string(line), name};
  CsvRecord record;
  if (!reader.next(record)) return {};
  return record.texts();
}

}  // namespace nksim
