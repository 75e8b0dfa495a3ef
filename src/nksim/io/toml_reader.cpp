#include "nksim/io/toml_reader.h"

#include <cctype>
#include <cmath>
#include <fstream>
#include <sstream>
#include <utility>

#include "nksim/core/error.h"
#include "nksim/core/text.h"

namespace nksim {

std::string toml_type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a number";
    case toml::node_type::boolean: return "a boolean";
    default: return "a date or time";
  }
}

namespace {

std::string bound_text(Bound bound) {
  switch (bound) {
    case Bound::kPositive: return "> 0";
    case Bound::kNonNegative: return ">= 0";
    case Bound::kFraction: return "in [0, 1]";
    default: return "finite";
  }
}

std::string source_position(const std::string& file, const toml::source_region& region) {
  return file + ":" + std::to_string(region.begin.line) + ":" + std::to_string(region.begin.column);
}

// Rejects text whose nesting (dotted-key segments, or [ and { inside values) exceeds
// kMaxTomlNesting, before the recursive parser sees it. A lexical scan that skips strings and
// comments; it only has to be exact for valid TOML, and conservative for anything else.
void check_nesting(std::string_view text, const std::string& file) {
  int depth = 0, dots = 0;
  std::size_t line = 1;
  const auto too_deep = [&](const std::string& what) {
    throw InputError(file + ":" + std::to_string(line) + ": not valid TOML for nksim: " + what +
                     " nested deeper than " + std::to_string(kMaxTomlNesting) + " levels");
  };
  const auto bare = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      dots = 0;
    } else if (c == '#') {
      while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
    } else if (c == '"' || c == '\'') {
      // A string is one key segment; skip it (multi-line forms too), counting lines.
      const bool triple = text.substr(i, 3) == std::string(3, c);
      const std::string close = triple ? std::string(3, c) : std::string(1, c);
      std::size_t j = i + close.size();
      while (j < text.size() && text.compare(j, close.size(), close) != 0) {
        if (text[j] == '\n') ++line;
        if (c == '"' && text[j] == '\\') ++j;
        ++j;
      }
      i = std::min(text.size(), j + close.size()) - 1;
    } else if (c == '.') {
      if (++dots > kMaxTomlNesting) too_deep("a dotted key");
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxTomlNesting) too_deep("arrays or tables");
      dots = 0;
    } else if (c == ']' || c == '}') {
      depth = std::max(0, depth - 1);
      dots = 0;
    } else if (!bare(c) && c != ' ' && c != '\t') {
      dots = 0;  // '=' or ',' ends a key; numbers have at most one or two dots
    }
  }
}

}  // namespace

TomlDocument TomlDocument::parse_string(std::string_view text, std::string name) {
  TomlDocument doc;
  doc.file_ = std::make_shared<const std::string>(std::move(name));
  if (text.size() > kMaxScenarioBytes) {
    throw InputError(*doc.file_ + ": " + std::to_string(text.size()) +
                     " bytes, more than a scenario may hold (" +
                     std::to_string(kMaxScenarioBytes) + "); positions belong in a CSV file");
  }
  check_nesting(text, *doc.file_);
  doc.text_ = std::string(text);
  try {
    doc.root_ = std::make_shared<toml::table>(toml::parse(doc.text_, *doc.file_));
  } catch (const toml::parse_error& e) {
    throw InputError(source_position(*doc.file_, e.source()) + ": not valid TOML: " +
                     std::string(e.description()));
  }
  return doc;
}

TomlDocument TomlDocument::parse_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    throw InputError(path.string() + ": no such file");
  }
  if (std::filesystem::is_directory(path, ec)) {
    throw InputError(path.string() + ": is a directory, expected a TOML file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string() + ": cannot be read");
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > kMaxScenarioBytes) {
    throw InputError(path.string() + ": " + std::to_string(size) +
                     " bytes, more than a scenario may hold (" +
                     std::to_string(kMaxScenarioBytes) + "); positions belong in a CSV file");
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw InputError(path.string() + ": cannot be read");
  return parse_string(buffer.str(), path.string());
}

TableReader TomlDocument::reader() const {
  TableReader reader(*root_, file_, "");
  if (keys_asked_) reader.record_keys_in(keys_asked_);
  return reader;
}

void TomlDocument::record_keys_asked() {
  if (!keys_asked_) keys_asked_ = std::make_shared<std::set<std::string>>();
}

const std::set<std::string>& TomlDocument::keys_asked() const {
  static const std::set<std::string> kNone;
  return keys_asked_ ? *keys_asked_ : kNone;
}

TableReader::TableReader(const toml::table& table, std::shared_ptr<const std::string> file,
                         std::string path)
    : table_(&table), file_(std::move(file)), path_(std::move(path)) {}

bool TableReader::has(std::string_view key) const { return table_->contains(key); }

std::string TableReader::key_path(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

std::string TableReader::location(std::string_view key) const {
  const toml::node* n = table_->get(key);
  const toml::source_region& region = n ? n->source() : table_->source();
  if (region.begin.line == 0) return *file_;
  return source_position(*file_, region);
}

void TableReader::fail(std::string_view key, const std::string& message) const {
  throw InputError(location(key) + ": '" + key_path(key) + "' " + message);
}

void TableReader::fail_missing(std::string_view key, const std::string& expected) const {
  const std::vector<std::string> wanted = {std::string(key)};
  for (const auto& [k, v] : *table_) {
    const std::string name(k.str());
    if (name == key || known_.count(name) != 0) continue;
    const std::string prefix = source_position(*file_, k.source()) + ": '" + key_path(key) +
                               "' is required (" + expected + "), but this table has '" + name +
                               "'";
    if (same_quantity_other_unit(name, key)) {
      throw InputError(prefix + ", the same quantity in another unit: write it as '" +
                       std::string(key) + "'");
    }
    if (!nearest(name, wanted).empty()) {
      throw InputError(prefix + ": did you mean '" + std::string(key) + "'?");
    }
  }
  fail(key, "is required (" + expected + ")");
}

void TableReader::check_bound(std::string_view key, double value, Bound bound) const {
  if (!std::isfinite(value)) fail(key, "must be a finite number, got " + format_number(value));
  bool ok = true;
  switch (bound) {
    case Bound::kPositive: ok = value > 0; break;
    case Bound::kNonNegative: ok = value >= 0; break;
    case Bound::kFraction: ok = value >= 0 && value <= 1; break;
    case Bound::kAny: break;
  }
  if (!ok) fail(key, "must be " + bound_text(bound) + ", got " + format_number(value));
}

void TableReader::remember(std::string_view key) {
  known_.emplace(key);
  if (asked_) asked_->insert(key_path(key));
}

const toml::node* TableReader::node(std::string_view key) {
  remember(key);
  return table_->get(key);
}

void TableReader::mark_known(std::string_view key) { remember(key); }

std::optional<double> TableReader::optional_number(std::string_view key, Bound bound) {
  const toml::node* n = node(key);
  if (!n) return std::nullopt;
  double value = 0;
  if (auto i = n->as_integer()) {
    value = static_cast<double>(i->get());
  } else if (auto f = n->as_floating_point()) {
    value = f->get();
  } else {
    fail(key, "must be a number, got " + toml_type_name(*n));
  }
  check_bound(key, value, bound);
  return value;
}

double TableReader::number(std::string_view key, Bound bound) {
  auto value = optional_number(key, bound);
  if (!value) fail_missing(key, "a number " + bound_text(bound));
  return *value;
}

double TableReader::number_or(std::string_view key, double fallback, Bound bound) {
  return optional_number(key, bound).value_or(fallback);
}

std::vector<double> TableReader::number_array(std::string_view key, Bound bound) {
  std::vector<double> values;
  const toml::node* n = node(key);
  if (!n) return values;
  const toml::array* array = n->as_array();
  if (!array) fail(key, "must be an array of numbers, got " + toml_type_name(*n));
  for (std::size_t i = 0; i < array->size(); ++i) {
    const toml::node& element = *array->get(i);
    double value = 0;
    if (auto integer_value = element.as_integer()) {
      value = static_cast<double>(integer_value->get());
    } else if (auto float_value = element.as_floating_point()) {
      value = float_value->get();
    } else {
      fail(key, "must be an array of numbers, element " + std::to_string(i + 1) + " is " +
                    toml_type_name(element));
    }
    if (!std::isfinite(value) ||
        (bound == Bound::kPositive && !(value > 0)) ||
        (bound == Bound::kNonNegative && !(value >= 0)) ||
        (bound == Bound::kFraction && !(value >= 0 && value <= 1))) {
      fail(key, "element " + std::to_string(i + 1) + " must be " + bound_text(bound) + ", got " +
                    format_number(value));
    }
    values.push_back(value);
  }
  return values;
}

std::int64_t TableReader::integer(std::string_view key, std::int64_t min_value,
                                  std::int64_t max_value) {
  const toml::node* n = node(key);
  if (!n) fail_missing(key, "an integer >= " + std::to_string(min_value));
  auto i = n->as_integer();
  if (!i) fail(key, "must be an integer, got " + toml_type_name(*n));
  if (i->get() < min_value) {
    fail(key, "must be >= " + std::to_string(min_value) + ", got " + std::to_string(i->get()));
  }
  if (i->get() > max_value) {
    fail(key, "must be <= " + std::to_string(max_value) + ", got " + std::to_string(i->get()));
  }
  return i->get();
}

std::int64_t TableReader::integer_or(std::string_view key, std::int64_t fallback,
                                     std::int64_t min_value, std::int64_t max_value) {
  if (!has(key)) {
    remember(key);
    return fallback;
  }
  return integer(key, min_value, max_value);
}

std::optional<std::string> TableReader::optional_string(std::string_view key) {
  const toml::node* n = node(key);
  if (!n) return std::nullopt;
  auto s = n->as_string();
  if (!s) fail(key, "must be a string, got " + toml_type_name(*n));
  return s->get();
}

std::string TableReader::string(std::string_view key) {
  auto value = optional_string(key);
  if (!value) fail_missing(key, "a string");
  return *value;
}

std::string TableReader::string_or(std::string_view key, std::string fallback) {
  return optional_string(key).value_or(std::move(fallback));
}

std::string TableReader::choice(std::string_view key, std::span<const std::string> allowed) {
  const std::string value = string(key);
  for (const auto& a : allowed) {
    if (a == value) return value;
  }
  fail(key, "is '" + value + "', expected one of: " + join(allowed) +
                did_you_mean(value, allowed));
}

std::string TableReader::choice_or(std::string_view key, std::span<const std::string> allowed,
                                   std::string fallback) {
  if (!has(key)) {
    remember(key);
    return fallback;
  }
  return choice(key, allowed);
}

bool TableReader::boolean_or(std::string_view key, bool fallback) {
  const toml::node* n = node(key);
  if (!n) return fallback;
  auto b = n->as_boolean();
  if (!b) fail(key, "must be true or false, got " + toml_type_name(*n));
  return b->get();
}

std::optional<TableReader> TableReader::optional_table(std::string_view key) {
  const toml::node* n = node(key);
  if (!n) return std::nullopt;
  const toml::table* t = n->as_table();
  if (!t) fail(key, "must be a table, got " + toml_type_name(*n));
  TableReader child(*t, file_, key_path(key));
  child.asked_ = asked_;
  return child;
}

TableReader TableReader::table(std::string_view key) {
  auto t = optional_table(key);
  if (!t) fail_missing(key, "a table [" + key_path(key) + "]");
  return *t;
}

std::vector<std::vector<double>> TableReader::number_matrix(std::string_view key) {
  std::vector<std::vector<double>> rows;
  const toml::node* n = node(key);
  if (!n) return rows;
  const toml::array* array = n->as_array();
  if (!array) fail(key, "must be an array of arrays of numbers, got " + toml_type_name(*n));
  for (std::size_t i = 0; i < array->size(); ++i) {
    const toml::array* row = array->get(i)->as_array();
    if (!row) fail(key, "row " + std::to_string(i + 1) + " is not an array of numbers");
    std::vector<double> values;
    for (std::size_t j = 0; j < row->size(); ++j) {
      const toml::node& element = *row->get(j);
      if (auto integer_value = element.as_integer()) {
        values.push_back(static_cast<double>(integer_value->get()));
      } else if (auto float_value = element.as_floating_point()) {
        values.push_back(float_value->get());
      } else {
        fail(key, "row " + std::to_string(i + 1) + ", element " + std::to_string(j + 1) +
                      " is " + toml_type_name(element) + ", expected a number");
      }
      if (!std::isfinite(values.back())) fail(key, "must hold finite numbers");
    }
    rows.push_back(std::move(values));
  }
  return rows;
}

std::vector<std::string> TableReader::string_array(std::string_view key) {
  std::vector<std::string> values;
  const toml::node* n = node(key);
  if (!n) return values;
  const toml::array* array = n->as_array();
  if (!array) fail(key, "must be an array of strings, got " + toml_type_name(*n));
  for (std::size_t i = 0; i < array->size(); ++i) {
    const auto* element = array->get(i)->as_string();
    if (!element) {
      fail(key, "must be an array of strings, element " + std::to_string(i + 1) + " is " +
                    toml_type_name(*array->get(i)));
    }
    values.push_back(element->get());
  }
  return values;
}

std::vector<TableReader> TableReader::tables(std::string_view key) {
  std::vector<TableReader> out;
  const toml::node* n = node(key);
  if (!n) return out;
  const toml::array* array = n->as_array();
  if (!array) fail(key, "must be an array of tables ([[" + key_path(key) + "]])");
  for (std::size_t i = 0; i < array->size(); ++i) {
    const toml::table* t = array->get(i)->as_table();
    if (!t) {
      fail(key, "must be an array of tables, element " + std::to_string(i + 1) + " is " +
                    toml_type_name(*array->get(i)));
    }
    out.emplace_back(*t, file_, key_path(key) + "[" + std::to_string(i + 1) + "]");
    out.back().asked_ = asked_;
  }
  return out;
}

std::vector<std::string> TableReader::keys() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : *table_) out.emplace_back(k.str());
  return out;
}

void TableReader::finish() const {
  const std::vector<std::string> known(known_.begin(), known_.end());
  for (const auto& [k, v] : *table_) {
    if (known_.count(k.str()) == 0) {
      const std::string where = path_.empty() ? "at the top level" : "in [" + path_ + "]";
      throw InputError(source_position(*file_, v.source()) + ": unknown key '" +
                       std::string(k.str()) + "' " + where + did_you_mean(k.str(), known) +
                       (known.empty() ? "" : " (known keys: " + join(known) + ")"));
    }
  }
}

}  // namespace nksim
