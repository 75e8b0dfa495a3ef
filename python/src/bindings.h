// The Python module nksim._nksim: one function per part, called from module.cpp.
//
// The module wraps the library's values and sessions (TomlDocument, WellMixedRun,
// SpatialSession, the trial runner and store), never the command line. Python-facing names and
// the pandas conveniences live in python/nksim/__init__.py.
#pragma once

#include <pybind11/pybind11.h>
#include <pybind11/stl/filesystem.h>

namespace nksim::python {

void bind_errors(pybind11::module_& m);
void bind_scenario(pybind11::module_& m);
void bind_well_mixed(pybind11::module_& m);
void bind_spatial(pybind11::module_& m);
void bind_trial(pybind11::module_& m);

}  // namespace nksim::python
