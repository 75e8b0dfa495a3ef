// nksim's errors as Python exceptions, with the library's message unchanged ("file:line:col:
// 'key' ..."): nksim.Error (a RuntimeError), and its subclasses nksim.InputError (bad scenario,
// trial or argument; also a ValueError) and nksim.NumericalError (a model that cannot be
// integrated; also an ArithmeticError).
#include <exception>

#include "bindings.h"
#include "nksim/core/error.h"

namespace py = pybind11;

namespace nksim::python {
namespace {

// Created once at import, alive as long as the module (kept in module attributes).
PyObject* g_error = nullptr;
PyObject* g_input_error = nullptr;
PyObject* g_numerical_error = nullptr;

PyObject* new_exception(py::module_& m, const char* name, PyObject* bases, const char* doc) {
  const std::string qualified = std::string("nksim.") + name;
  PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases, nullptr);
  if (!type) throw py::error_already_set();
  m.attr(name) = py::handle(type);  // the module keeps a reference
  Py_DECREF(type);
  return type;
}

}  // namespace

void bind_errors(py::module_& m) {
  g_error = new_exception(m, "Error", PyExc_RuntimeError,
                          "An nksim error; the message is the one the command line prints.");
  py::tuple input_bases = py::make_tuple(py::handle(g_error), py::handle(PyExc_ValueError));
  g_input_error = new_exception(
      m, "InputError", input_bases.ptr(),
      "A scenario, trial or argument is wrong; the message names the file, line and key.");
  py::tuple numerical_bases =
      py::make_tuple(py::handle(g_error), py::handle(PyExc_ArithmeticError));
  g_numerical_error = new_exception(m, "NumericalError", numerical_bases.ptr(),
                                    "A model could not be integrated (blow-up, solver failure).");

  py::register_exception_translator([](std::exception_ptr error) {
    try {
      if (error) std::rethrow_exception(error);
    } catch (const InputError& e) {
      PyErr_SetString(g_input_error, e.what());
    } catch (const NumericalError& e) {
      PyErr_SetString(g_numerical_error, e.what());
    } catch (const Error& e) {
      PyErr_SetString(g_error, e.what());
    }
  });
}

}  // namespace nksim::python
