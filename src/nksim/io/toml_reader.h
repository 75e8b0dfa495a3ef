// Typed, validated reading of TOML scenario files.
//
// A TableReader wraps one TOML table. Every getter records the key it was asked for, present or
// not, so that finish() can reject every other key as unknown and suggest the nearest known
// one. Every error names the file, the line and column, the dotted key and what was expected:
//
//   scenario.toml:7:1: 'simulation.end_time_days' must be > 0, got -3
#pragma once

#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

namespace nksim {

// Constraint on a number read from a scenario.
enum class Bound {
  kAny,          // any finite number
  kPositive,     // > 0
  kNonNegative,  // >= 0
  kFraction,     // in [0, 1]
};

class TableReader;

// "a table", "an integer", "a number", ...: what a TOML value is, for messages.
std::string toml_type_name(const toml::node& node);

// Limits on a scenario's text, checked before parsing (docs/scenarios.md, "Limits"): toml++ parses
// nested tables, arrays and dotted keys recursively, so unbounded nesting would overflow the
// stack; no scenario needs more than a handful of levels.
inline constexpr std::size_t kMaxScenarioBytes = 16u << 20;
inline constexpr int kMaxTomlNesting = 64;

// A parsed TOML file (or string) with its name, kept alive for the readers made from it.
class TomlDocument {
 public:
  // Throws InputError naming the file when it is missing, unreadable or not valid TOML.
  static TomlDocument parse_file(const std::filesystem::path& path);
  static TomlDocument parse_string(std::string_view text, std::string name);

  const std::string& file() const { return *file_; }
  const std::string& text() const { return text_; }  // raw bytes (hashed into outputs)
  const toml::table& root() const { return *root_; }
  TableReader reader() const;

  // From now on, every reader made by reader() (and every table read through it) adds the
  // dotted path of each key it is asked for, present or not, to keys_asked(). Tests use it to
  // compare the keys a mechanism reads with the keys it documents. Copies (with_number) add to
  // the same record.
  void record_keys_asked();
  const std::set<std::string>& keys_asked() const;

  // The node at a scenario path: dotted keys, array elements counted from 1 as in every message
  // and in sweeps ("mechanisms.nk_infusion.dose[1].count" is the first dose). Empty when there
  // is none; InputError for a malformed path ("dose[0]").
  toml::node_view<const toml::node> node(const std::string& path) const;

  // Scenario values edited in place of text (sweeps, trials): a copy whose key at `path`
  // ("mechanisms.proliferation.tumour.rate_per_min", "population[1].count") holds `value`. A key
  // written as an integer stays one for whole values and becomes a float otherwise (the reader
  // then says whether it needs a whole number); a missing key is added when its table exists
  // (never a new table). Source positions are kept, so errors still name the original line. Throws
  // InputError when the path names no number and no table to add it to.
  TomlDocument with_number(const std::string& path, double value) const;
  // A copy without the top-level key `key` (a sweep's condition drops [sweep]); the same when
  // there is none.
  TomlDocument without_key(const std::string& key) const;
  // An edit: a number set at a scenario path, or (no value) a top-level key removed.
  struct Edit {
    std::string path;
    std::optional<double> value;
  };
  // The edits made so far, in order.
  const std::vector<Edit>& edits() const { return edits_; }
  // The scenario as it runs, as TOML: the file's own bytes when unedited; otherwise a comment
  // naming the file and the edits, then the edited tables as toml++ writes them (every value
  // exact; the file's comments and layout are not kept). Reading it back gives the same values.
  std::string edited_text() const;
  // fnv1a_hex(edited_text()): the hash outputs and checkpoints record.
  std::string hash() const;

 private:
  std::shared_ptr<const std::string> file_;
  std::string text_;
  std::shared_ptr<toml::table> root_;
  std::vector<Edit> edits_;
  std::shared_ptr<std::set<std::string>> keys_asked_;
  void set_number(const std::string& path, double value);
  TomlDocument reparsed_with(Edit edit) const;
};

class TableReader {
 public:
  TableReader(const toml::table& table, std::shared_ptr<const std::string> file, std::string path);

  bool has(std::string_view key) const;
  const std::string& path() const { return path_; }  // dotted path of this table ("" at root)
  const std::string& file() const { return *file_; }

  // Numbers. TOML integers are accepted where a number is expected; nan and inf never are.
  double number(std::string_view key, Bound bound = Bound::kAny);
  double number_or(std::string_view key, double fallback, Bound bound = Bound::kAny);
  std::optional<double> optional_number(std::string_view key, Bound bound = Bound::kAny);
  std::vector<double> number_array(std::string_view key, Bound bound = Bound::kAny);
  // An array of arrays of numbers (a matrix, rows may differ in length); empty when absent.
  std::vector<std::vector<double>> number_matrix(std::string_view key);
  // An array of strings; empty when absent.
  std::vector<std::string> string_array(std::string_view key);

  // Integers in [min_value, max_value]; callers storing an int pass a max that fits, so a huge
  // value is an error rather than a silent narrowing.
  std::int64_t integer(std::string_view key, std::int64_t min_value,
                       std::int64_t max_value = std::numeric_limits<std::int64_t>::max());
  std::int64_t integer_or(std::string_view key, std::int64_t fallback, std::int64_t min_value,
                          std::int64_t max_value = std::numeric_limits<std::int64_t>::max());

  std::string string(std::string_view key);
  std::string string_or(std::string_view key, std::string fallback);
  std::optional<std::string> optional_string(std::string_view key);
  // A string that must be one of `allowed` (the error lists them and suggests the nearest).
  std::string choice(std::string_view key, std::span<const std::string> allowed);
  std::string choice_or(std::string_view key, std::span<const std::string> allowed,
                        std::string fallback);

  bool boolean_or(std::string_view key, bool fallback);

  TableReader table(std::string_view key);
  std::optional<TableReader> optional_table(std::string_view key);
  // An array of tables ([[key]]); empty when absent. Element paths read "key[1]", "key[2]"...
  std::vector<TableReader> tables(std::string_view key);

  // Keys present in this table, in sorted order (for free-form tables such as [parameters]).
  std::vector<std::string> keys() const;
  // Declare a key known without reading it (its value is read elsewhere).
  void mark_known(std::string_view key);
  // Adds the dotted path of every key asked for from now on, here and in the tables read from
  // here, to `log` (TomlDocument::record_keys_asked).
  void record_keys_in(std::shared_ptr<std::set<std::string>> log) { asked_ = std::move(log); }

  // Rejects every key present but never asked for: "unknown key ..., did you mean ...?".
  void finish() const;

  // The dotted key name and "file:line:col" of a key (or of the table when it is absent).
  std::string key_path(std::string_view key) const;
  std::string location(std::string_view key) const;
  [[noreturn]] void fail(std::string_view key, const std::string& message) const;
  // "'key' is required (expected)". When the table holds a key not read so far that looks like
  // a typo of `key`, or `key` in another unit ("time_min" for "time_days"), the error names it
  // at its own line instead.
  [[noreturn]] void fail_missing(std::string_view key, const std::string& expected) const;

  // Checks a number against a bound; `what` names it in the message.
  void check_bound(std::string_view key, double value, Bound bound) const;

 private:
  const toml::node* node(std::string_view key);
  void remember(std::string_view key);
  const toml::table* table_;
  std::shared_ptr<const std::string> file_;
  std::string path_;
  std::set<std::string, std::less<>> known_;
  std::shared_ptr<std::set<std::string>> asked_;
};

}  // namespace nksim
