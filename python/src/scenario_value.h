// TOML values as Python objects (shared by the scenario and trial bindings).
#pragma once

#include <pybind11/pybind11.h>
#include <toml++/toml.h>

namespace nksim::python {

// Numbers, strings and booleans as themselves; arrays as lists; tables as dicts.
pybind11::object to_python(const toml::node& node);

}  // namespace nksim::python
