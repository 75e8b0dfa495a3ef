// Scenario values edited in place of text (TomlDocument::node, with_number): the scenario paths
// that name a value ("population[1].count", counted from 1 as in messages) and the edit itself.
#include <cmath>
#include <sstream>

#include "nksim/core/error.h"
#include "nksim/core/text.h"
#include "nksim/io/toml_reader.h"

namespace nksim {

namespace {
// "a.b[1].c" (1-based, as in messages) -> "a.b[0].c" (toml++'s at_path is 0-based).
std::string zero_based(const std::string& path, const std::string& file) {
  std::string out;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] != '[') {
      out += path[i];
      continue;
    }
    const std::size_t close = path.find(']', i);
    const std::string digits = close == std::string::npos ? "" : path.substr(i + 1, close - i - 1);
    if (digits.empty() || digits.size() > 9 ||
        digits.find_first_not_of("0123456789") != std::string::npos || std::stol(digits) < 1) {
      throw InputError(file + ": '" + path +
                       "' is not a scenario path (array elements are counted from 1: dose[1])");
    }
    out += "[" + std::to_string(std::stol(digits) - 1) + "]";
    i = close;
  }
  return out;
}
}  // namespace

toml::node_view<const toml::node> TomlDocument::node(const std::string& path) const {
  return std::as_const(*root_).at_path(zero_based(path, *file_));
}

// toml++ copies tables without their source positions, so an edited document is the text parsed
// again with every edit so far applied in order: messages keep naming the original lines.
TomlDocument TomlDocument::reparsed_with(Edit edit) const {
  TomlDocument copy = *this;
  copy.root_ = std::make_shared<toml::table>(toml::parse(text_, *file_));
  copy.edits_.push_back(std::move(edit));
  for (const Edit& e : copy.edits_) {
    if (e.value) {
      copy.set_number(e.path, *e.value);
    } else {
      copy.root_->erase(e.path);
    }
  }
  return copy;
}

TomlDocument TomlDocument::with_number(const std::string& path, double value) const {
  if (!std::isfinite(value)) {
    throw InputError(*file_ + ": '" + path + "' cannot be set to " + format_number(value));
  }
  return reparsed_with({path, value});
}

TomlDocument TomlDocument::without_key(const std::string& key) const {
  if (!root_->contains(key)) return *this;
  return reparsed_with({key, std::nullopt});
}

std::string TomlDocument::edited_text() const {
  if (edits_.empty()) return text_;
  std::ostringstream out;
  out << "# " << *file_ << ", edited:";
  for (const Edit& e : edits_) {
    out << (&e == &edits_.front() ? " " : "; ");
    if (e.value) {
      out << e.path << " = " << format_number(*e.value, 17);
    } else {
      out << "without " << e.path;
    }
  }
  out << "\n" << toml::toml_formatter(*root_) << "\n";
  return out.str();
}

std::string TomlDocument::hash() const { return fnv1a_hex(edited_text()); }

void TomlDocument::set_number(const std::string& scenario_path, double value) {
  const std::string path = zero_based(scenario_path, *file_);
  toml::node_view<toml::node> node = root_->at_path(path);
  if (auto* integer = node.as_integer(); integer && value == std::round(value)) {
    if (!(std::abs(value) < 9.2e18)) {
      throw InputError(*file_ + ": '" + scenario_path + "' cannot hold " + format_number(value));
    }
    *integer = static_cast<std::int64_t>(value);
    return;
  }
  if (node.as_integer()) {  // 1440 in the file, 1440.5 wanted: the key becomes a float
    const std::size_t dot = path.rfind('.');
    const std::string parent = dot == std::string::npos ? "" : path.substr(0, dot);
    toml::node* holder = parent.empty() ? root_.get() : root_->at_path(parent).node();
    const std::string last = dot == std::string::npos ? path : path.substr(dot + 1);
    const std::size_t bracket = last.find('[');
    if (toml::table* t = holder ? holder->as_table() : nullptr; t && bracket == std::string::npos) {
      t->insert_or_assign(last, value);
      return;
    }
    throw InputError(*file_ + ": '" + scenario_path + "' holds an integer and cannot hold " +
                     format_number(value));
  }
  if (auto* floating = node.as_floating_point()) {
    *floating = value;
    return;
  }
  if (node) {
    throw InputError(*file_ + ": '" + scenario_path + "' is a " + toml_type_name(*node.node()) +
                     ", not a number");
  }
  const std::size_t dot = path.rfind('.');
  const std::string parent = dot == std::string::npos ? "" : path.substr(0, dot);
  const std::string key = dot == std::string::npos ? path : path.substr(dot + 1);
  toml::table* table = parent.empty() ? root_.get() : root_->at_path(parent).as_table();
  if (!table || key.empty() || key.find('[') != std::string::npos) {
    throw InputError(*file_ + ": there is no key '" + path + "' (and no table '" + parent +
                     "' to add it to)");
  }
  if (value == std::round(value) && std::abs(value) < 9.0e15) {
    table->insert_or_assign(key, static_cast<std::int64_t>(value));  // read as integer or number
  } else {
    table->insert_or_assign(key, value);
  }
}

}  // namespace nksim
