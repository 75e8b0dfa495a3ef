// nksim.Scenario: a scenario as a value. Built from a file, a TOML string or a Python dict;
// numbers edited by their scenario path ("parameters.c", "population[1].count"); validated and
// run by the engine it names.
#include <cmath>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/stl.h>

#include "bindings.h"
#include "nksim/api/nksim.h"
#include "nksim/core/error.h"
#include "nksim/core/text.h"
#include "nksim/io/scenario.h"
#include "nksim/io/toml_reader.h"
#include "scenario_value.h"

namespace py = pybind11;

namespace nksim::python {
namespace {

// ---- Python dict -> TOML --------------------------------------------------------------------

toml::array to_toml_array(const py::handle& list, const std::string& path, int depth);

// Adds `value` to `table` under `key`; `path` names it in errors ("simulation.end_time_days").
// `depth` counts the enclosing tables and arrays: a scenario file may nest at most
// kMaxTomlNesting levels, and a dict that contains itself must not recurse forever.
void insert_value(toml::table& table, const std::string& key, const py::handle& value,
                  const std::string& path, int depth) {
  if (depth > kMaxTomlNesting) {
    throw InputError("scenario dict: '" + path.substr(0, 200) + "...' is nested deeper than " +
                     std::to_string(kMaxTomlNesting) + " levels (does a dict contain itself?)");
  }
  // bool first: in Python a bool is also an int.
  if (py::isinstance<py::bool_>(value)) {
    table.insert_or_assign(key, value.cast<bool>());
  } else if (py::isinstance<py::int_>(value)) {
    int overflow = 0;
    const long long number = PyLong_AsLongLongAndOverflow(value.ptr(), &overflow);
    if (overflow != 0) {
      throw InputError("scenario dict: '" + path + "' does not fit in a 64-bit integer");
    }
    table.insert_or_assign(key, static_cast<std::int64_t>(number));
  } else if (py::isinstance<py::float_>(value)) {
    const double number = value.cast<double>();
    if (!std::isfinite(number)) {
      throw InputError("scenario dict: '" + path + "' is " + format_number(number) +
                       "; scenario values must be finite");
    }
    table.insert_or_assign(key, number);
  } else if (py::isinstance<py::str>(value)) {
    table.insert_or_assign(key, value.cast<std::string>());
  } else if (py::isinstance<py::dict>(value)) {
    toml::table inner;
    for (const auto& [k, v] : value.cast<py::dict>()) {
      if (!py::isinstance<py::str>(k)) {
        throw InputError("scenario dict: a key under '" + path + "' is not a string");
      }
      const std::string name = k.cast<std::string>();
      insert_value(inner, name, v, path + "." + name, depth + 1);
    }
    table.insert_or_assign(key, std::move(inner));
  } else if (py::isinstance<py::list>(value) || py::isinstance<py::tuple>(value)) {
    table.insert_or_assign(key, to_toml_array(value, path, depth + 1));
  } else if (py::hasattr(value, "item") && py::hasattr(value, "dtype")) {
    insert_value(table, key, value.attr("item")(), path, depth);  // a numpy scalar
  } else {
    throw InputError("scenario dict: '" + path + "' is a " +
                     py::str(py::type::handle_of(value).attr("__name__")).cast<std::string>() +
                     "; expected a number, string, bool, list or dict");
  }
}

toml::array to_toml_array(const py::handle& list, const std::string& path, int depth) {
  toml::array array;
  std::size_t index = 0;
  for (const auto& item : list) {
    ++index;
    // Reuse insert_value through a scratch table, so each element gets the same checks.
    toml::table scratch;
    const std::string element_path = path + "[" + std::to_string(index) + "]";
    insert_value(scratch, "v", item, element_path, depth);
    array.push_back(std::move(*scratch.get("v")));
  }
  return array;
}

TomlDocument document_from_dict(const py::dict& dict, const std::string& name) {
  toml::table root;
  for (const auto& [k, v] : dict) {
    if (!py::isinstance<py::str>(k)) throw InputError(name + ": a top-level key is not a string");
    const std::string key = k.cast<std::string>();
    insert_value(root, key, v, key, 1);
  }
  std::ostringstream text;
  text << root;
  return TomlDocument::parse_string(text.str(), name);
}

}  // namespace

py::object to_python(const toml::node& node) {
  if (const auto* v = node.as_boolean()) return py::bool_(v->get());
  if (const auto* v = node.as_integer()) return py::int_(v->get());
  if (const auto* v = node.as_floating_point()) return py::float_(v->get());
  if (const auto* v = node.as_string()) return py::str(v->get());
  if (const auto* array = node.as_array()) {
    py::list list;
    for (const auto& item : *array) list.append(to_python(item));
    return list;
  }
  if (const auto* table = node.as_table()) {
    py::dict dict;
    for (const auto& [key, item] : *table) dict[py::str(std::string(key.str()))] = to_python(item);
    return dict;
  }
  std::ostringstream text;  // dates and times: as TOML writes them
  if (const auto* v = node.as_date()) text << v->get();
  if (const auto* v = node.as_time()) text << v->get();
  if (const auto* v = node.as_date_time()) text << v->get();
  return py::str(text.str());
}

void bind_scenario(py::module_& m) {
  py::class_<TomlDocument>(m, "Scenario", R"(A scenario (or trial) file as a value.

Build one with Scenario.from_file, Scenario.from_string or Scenario.from_dict; read values with
scenario["parameters.c"], change numbers with scenario["parameters.c"] = 2e-7 (or
with_value, which returns a changed copy). Errors name the file, line and key as the command
line does.)")
      .def_static("from_file", &TomlDocument::parse_file, py::arg("path"),
                  "Reads a scenario file (InputError when missing or not valid TOML).")
      .def_static(
          "from_string",
          [](const std::string& text, const std::string& name) {
            return TomlDocument::parse_string(text, name);
          },
          py::arg("text"), py::arg("name") = "<string>",
          "Parses TOML text; `name` stands for the file in messages.")
      .def_static("from_dict", &document_from_dict, py::arg("values"), py::arg("name") = "<dict>",
                  "Builds a scenario from nested dicts and lists (tables and arrays of tables).")
      .def_property_readonly("name", &TomlDocument::file, "The file name used in messages.")
      .def_property_readonly("text", &TomlDocument::text,
                             "The TOML text as read (edits are not written back into it).")
      .def_property_readonly("engine", &scenario_engine,
                             "'well_mixed' or 'spatial' ([simulation] engine).")
      .def_property_readonly(
          "edits",
          [](const TomlDocument& d) {
            std::vector<std::pair<std::string, std::optional<double>>> out;
            for (const auto& e : d.edits()) out.emplace_back(e.path, e.value);
            return out;
          },
          "The edits so far, as (path, value) pairs; value None: a top-level key removed.")
      .def(
          "to_dict", [](const TomlDocument& d) { return to_python(d.root()); },
          "The whole scenario as nested dicts and lists (edits included).")
      .def(
          "__getitem__",
          [](const TomlDocument& d, const std::string& path) {
            const auto node = d.node(path);
            if (!node) throw py::key_error(d.file() + " has no value at '" + path + "'");
            return to_python(*node.node());
          },
          py::arg("path"))
      .def("__contains__",
           [](const TomlDocument& d, const std::string& path) { return bool(d.node(path)); })
      .def(
          "with_value",
          [](const TomlDocument& d, const std::string& path, double value) {
            return d.with_number(path, value);
          },
          py::arg("path"), py::arg("value"),
          "A copy whose number at `path` holds `value` (this scenario is unchanged).")
      .def(
          "__setitem__",
          [](TomlDocument& d, const std::string& path, double value) {
            d = d.with_number(path, value);
          },
          py::arg("path"), py::arg("value"))
      .def("validate", &validate_scenario,
           "Reads and checks every value as a run would; returns a one-line description.")
      .def("__repr__", [](const TomlDocument& d) {
        std::string engine;
        try {
          engine = scenario_engine(d);
        } catch (const Error&) {
          engine = "?";
        }
        return "<nksim.Scenario " + d.file() + " engine=" + engine + ">";
      });
}

}  // namespace nksim::python
