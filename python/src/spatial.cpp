// Spatial runs from Python: a SpatialSession stepped with advance_to, its agent columns and
// fields read as numpy arrays without copying, cells added and properties or fields changed
// between steps, and the counts.csv rows kept as the run goes.
//
// Zero-copy views and memory safety. A view points into a column of the live run. Before
// anything that may move or free a column (a step, an added cell), every view still alive is
// detached: it takes over the buffer it points into and the run continues on a copy. A view
// therefore never dangles: until the run changes it shows the live column; afterwards it keeps
// the values it had. Views are read-only; values are changed through the checked setters.
#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "bindings.h"
#include "nksim/api/session.h"
#include "nksim/core/error.h"
#include "nksim/core/text.h"
#include "nksim/io/spatial_output.h"
#include "nksim/io/toml_reader.h"

namespace py = pybind11;

namespace nksim::python {
namespace {

// Thrown by the step observer when Python has a pending signal (Ctrl-C); the state is whole.
struct PythonSignal {};

const std::thread::id g_main_thread = std::this_thread::get_id();

// A buffer a numpy view points into. While `owned` is empty the buffer belongs to the run;
// detach() moves it here and leaves the run a copy.
struct ViewHolder {
  std::shared_ptr<void> session;  // keeps the run alive as long as a view is
  std::shared_ptr<void> owned;
  std::function<void(ViewHolder&)> detach;
  const void* data = nullptr;
  std::size_t size = 0;
};

using ColumnRef =
    std::variant<std::vector<double>*, std::vector<float>*, std::vector<std::int32_t>*,
                 std::vector<std::uint64_t>*, std::vector<std::uint8_t>*>;

class PySpatial : public std::enable_shared_from_this<PySpatial> {
 public:
  PySpatial(const TomlDocument& scenario, int threads)
      : session_(scenario, threads), columns_(count_columns(session_.simulation())) {
    const Simulation& sim = session_.simulation();
    counts_every_ = steps_per_interval(session_.output_settings().output_interval_min,
                              sim.settings().dt_mechanics_min);
    record_counts(sim);
    session_.add_observer([this](const Simulation& s) {
      if (counts_every_ && s.mechanics_steps() % counts_every_ == 0) record_counts(s);
      if (s.mechanics_steps() % 16 == 0 && std::this_thread::get_id() == g_main_thread) {
        py::gil_scoped_acquire gil;
        if (PyErr_CheckSignals() != 0) throw PythonSignal{};
      }
    });
  }

  // ---- stepping ----
  void advance_to(double t_min) {
    if (!std::isfinite(t_min)) {
      throw InputError("advance_to: the time must be a finite number of minutes, got " +
                       format_number(t_min));
    }
    bool signalled = false;
    {
      py::gil_scoped_release release;
      std::lock_guard<std::mutex> lock(mutex_);
      detach_views();
      try {
        session_.advance_to(t_min);
        // The last row of counts.csv is written at the end even off the output clock.
        if (session_.finished() && last_counts_step_ != session_.simulation().mechanics_steps()) {
          record_counts(session_.simulation());
        }
      } catch (const PythonSignal&) {
        signalled = true;
      }
    }
    if (signalled) throw py::error_already_set();  // KeyboardInterrupt, raised by Python
  }

  double time_min() {
    const auto lock = locked();
    return session_.time_min();
  }
  double end_time_min() const { return session_.end_time_min(); }
  bool finished() {
    const auto lock = locked();
    return session_.finished();
  }
  std::uint64_t steps() {
    const auto lock = locked();
    return session_.simulation().mechanics_steps();
  }
  std::vector<std::string> warnings() const { return session_.warnings(); }

  std::vector<std::string> type_names() const {
    std::vector<std::string> names;
    for (const auto& t : session_.simulation().types()) names.push_back(t.name);
    return names;
  }

  // ---- agents ----
  std::vector<std::string> column_names() {
    std::vector<std::string> names;
    for (const auto& [name, ref] : columns()) names.push_back(name);
    return names;
  }

  py::array column(const std::string& name) {
    const auto lock = locked();
    auto all = columns();
    const auto found = all.find(name);
    if (found == all.end()) {
      std::vector<std::string> names;
      for (const auto& [n, ref] : all) names.push_back(n);
      throw py::key_error("no agent column '" + name + "' (columns: " + join(names) + ")" +
                          did_you_mean(name, names));
    }
    return std::visit([&](auto* vec) { return view(*vec, "agents." + name, {vec->size()}); },
                      found->second);
  }

  std::size_t num_agents() {
    const auto lock = locked();
    return session_.simulation().agents().size();
  }

  void set_property(const std::string& name, const py::array_t<double, py::array::c_style |
                                                                        py::array::forcecast>&
                                                   values) {
    const auto lock = locked();
    AgentStore& agents = session_.simulation().agents();
    const int k = agents.property_index(name);
    if (k < 0) {
      throw InputError("agents['" + name + "'] cannot be set: only per-cell properties can (" +
                       join(agents.property_names()) + "); add cells with add_agent");
    }
    std::vector<double>& column = agents.property[static_cast<std::size_t>(k)];
    copy_checked(values, column, "agents['" + name + "']");
  }

  std::uint64_t add_agent(const std::string& type, double x, double y, double z) {
    const auto lock = locked();
    Simulation& sim = session_.simulation();
    const auto names = type_names();
    int index = -1;
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i] == type) index = static_cast<int>(i);
    }
    if (index < 0) {
      throw InputError("add_agent: no cell type '" + type + "' (types: " + join(names) + ")" +
                       did_you_mean(type, names));
    }
    const Domain& d = sim.domain();
    const double position[3] = {x, y, z};
    for (int axis = 0; axis < d.dim; ++axis) {
      const double v = position[axis];
      if (!(v >= d.lo_um[axis] && v <= d.hi_um[axis])) {
        throw InputError("add_agent: " + std::string(1, "xyz"[axis]) + " = " + format_number(v) +
                         " um is outside the domain [" + format_number(d.lo_um[axis]) + ", " +
                         format_number(d.hi_um[axis]) + "]");
      }
    }
    detach_views();
    const std::size_t i = sim.add_agent(index, x, y, z);
    return sim.agents().id[i];
  }

  // ---- fields ----
  std::vector<std::string> field_names() const {
    std::vector<std::string> names;
    const FieldGrid& f = session_.simulation().fields();
    for (std::size_t i = 0; i < f.num_fields(); ++i) names.push_back(f.spec(i).name);
    return names;
  }

  py::array field(const std::string& name) {
    const auto lock = locked();
    FieldGrid& fields = session_.simulation().fields();
    const int f = fields.find(name);
    if (f < 0) {
      const auto names = field_names();
      throw py::key_error("no field '" + name + "' (fields: " + join(names) + ")" +
                          did_you_mean(name, names));
    }
    const auto [nx, ny, nz] = fields.shape();
    std::vector<std::size_t> shape = {nz, ny, nx};  // values are x-fastest
    if (session_.simulation().domain().dim == 2) shape = {ny, nx};
    return view(fields.values(static_cast<std::size_t>(f)), "fields." + name, shape);
  }

  void set_field(const std::string& name,
                 const py::array_t<double, py::array::c_style | py::array::forcecast>& values) {
    const auto lock = locked();
    FieldGrid& fields = session_.simulation().fields();
    const int f = fields.find(name);
    if (f < 0) throw py::key_error("no field '" + name + "'");
    std::vector<double>& column = fields.values(static_cast<std::size_t>(f));
    copy_checked(values, column, "fields['" + name + "']");
    for (double v : column) {
      if (v < 0) {
        throw InputError("fields['" + name + "']: concentrations cannot be negative, got " +
                         format_number(v));
      }
    }
  }

  // ---- counts ----
  py::dict counts() {
    const auto lock = locked();
    const std::vector<double> row = count_row(session_.simulation());
    py::dict out;
    out["time_min"] = session_.time_min();
    for (std::size_t i = 0; i < columns_.size(); ++i) out[py::str(columns_[i])] = row[i];
    return out;
  }

  py::dict history() {
    const auto lock = locked();
    const std::size_t width = columns_.size() + 1;
    const std::size_t rows = history_.size() / width;
    py::dict out;
    std::vector<std::string> names = {"time_min"};
    names.insert(names.end(), columns_.begin(), columns_.end());
    for (std::size_t c = 0; c < width; ++c) {
      py::array_t<double> a(static_cast<py::ssize_t>(rows));
      double* out_data = a.mutable_data();
      for (std::size_t r = 0; r < rows; ++r) out_data[r] = history_[r * width + c];
      out[py::str(names[c])] = a;
    }
    return out;
  }

 private:
  // The run's mutex, waited for without the GIL: a step in another thread may need the GIL (to
  // look for Ctrl-C) before it lets the mutex go.
  std::unique_lock<std::mutex> locked() {
    py::gil_scoped_release release;
    return std::unique_lock<std::mutex>(mutex_);
  }

  void record_counts(const Simulation& sim) {
    const std::vector<double> row = count_row(sim);
    check_finite_counts(row, sim.time_min());
    history_.push_back(sim.time_min());
    history_.insert(history_.end(), row.begin(), row.end());
    last_counts_step_ = sim.mechanics_steps();
  }

  std::map<std::string, ColumnRef> columns() {
    AgentStore& a = session_.simulation().agents();
    std::map<std::string, ColumnRef> all;
#define NKSIM_PY_COLUMN(type, name, on_divide, doc) all.emplace(#name, &a.name);
    NKSIM_AGENT_COLUMNS(NKSIM_PY_COLUMN)
#undef NKSIM_PY_COLUMN
    for (std::size_t k = 0; k < a.property_names().size(); ++k) {
      all.emplace(a.property_names()[k], &a.property[k]);
    }
    for (std::size_t k = 0; k < a.declared_columns().size(); ++k) {
      std::visit([&](auto& values) { all.emplace(a.declared_columns()[k].name, &values); },
                 a.declared_column(k));
    }
    return all;
  }

  template <class T>
  py::array view(std::vector<T>& column, const std::string& key,
                 const std::vector<std::size_t>& shape) {
    std::shared_ptr<ViewHolder> holder;
    if (auto it = views_.find(key); it != views_.end()) holder = it->second.lock();
    if (!holder || holder->owned || holder->data != column.data() ||
        holder->size != column.size()) {
      holder = std::make_shared<ViewHolder>();
      holder->session = shared_from_this();
      holder->data = column.data();
      holder->size = column.size();
      holder->detach = [&column](ViewHolder& h) {
        auto owned = std::make_shared<std::vector<T>>();
        owned->swap(column);
        column = *owned;  // the run goes on with a copy
        h.owned = std::move(owned);
      };
      views_[key] = holder;
    }
    py::capsule base(new std::shared_ptr<ViewHolder>(holder), [](void* p) {
      delete static_cast<std::shared_ptr<ViewHolder>*>(p);
    });
    std::vector<py::ssize_t> dims(shape.begin(), shape.end());
    std::vector<py::ssize_t> strides(shape.size());
    py::ssize_t stride = sizeof(T);
    for (std::size_t i = shape.size(); i-- > 0;) {
      strides[i] = stride;
      stride *= dims[i];
    }
    // An empty column may have no buffer; numpy then allocates its own (empty) one.
    py::array_t<T> array(dims, strides, column.data(), base);
    py::detail::array_proxy(array.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
    return array;
  }

  // Hands every live view its buffer (see the file comment). Called with the mutex held.
  void detach_views() {
    for (auto& [key, weak] : views_) {
      if (auto holder = weak.lock(); holder && !holder->owned) holder->detach(*holder);
    }
    views_.clear();
  }

  static void copy_checked(const py::array_t<double, py::array::c_style | py::array::forcecast>&
                               values,
                           std::vector<double>& column, const std::string& what) {
    if (static_cast<std::size_t>(values.size()) != column.size()) {
      throw InputError(what + ": expected " + std::to_string(column.size()) + " values, got " +
                       std::to_string(values.size()));
    }
    const double* data = values.data();
    for (py::ssize_t i = 0; i < values.size(); ++i) {
      if (!std::isfinite(data[i])) {
        throw InputError(what + ": value " + std::to_string(i) + " is " +
                         format_number(data[i]) + "; values must be finite");
      }
    }
    std::copy(data, data + values.size(), column.begin());
  }

  SpatialSession session_;
  std::vector<std::string> columns_;
  std::uint64_t counts_every_ = 0;
  std::uint64_t last_counts_step_ = 0;
  std::vector<double> history_;  // rows of (time_min, columns_...)
  std::map<std::string, std::weak_ptr<ViewHolder>> views_;
  std::mutex mutex_;
};

}  // namespace

void bind_spatial(py::module_& m) {
  py::class_<PySpatial, std::shared_ptr<PySpatial>>(m, "_SpatialRun")
      .def(py::init([](const TomlDocument& scenario, int threads) {
             if (threads < 0 || threads > 1024) {
               throw InputError("threads must be in range 0 to 1024, got " +
                                std::to_string(threads));
             }
             py::gil_scoped_release release;  // placing the initial cells can take a while
             return std::make_shared<PySpatial>(scenario, threads);
           }),
           py::arg("scenario"), py::arg("threads") = 0)
      .def("advance_to", &PySpatial::advance_to, py::arg("t_min"))
      .def_property_readonly("time_min", &PySpatial::time_min)
      .def_property_readonly("end_time_min", &PySpatial::end_time_min)
      .def_property_readonly("finished", &PySpatial::finished)
      .def_property_readonly("steps", &PySpatial::steps)
      .def_property_readonly("warnings", &PySpatial::warnings)
      .def_property_readonly("type_names", &PySpatial::type_names)
      .def("column_names", &PySpatial::column_names)
      .def("column", &PySpatial::column, py::arg("name"))
      .def("set_property", &PySpatial::set_property, py::arg("name"), py::arg("values"))
      .def("num_agents", &PySpatial::num_agents)
      .def("add_agent", &PySpatial::add_agent, py::arg("type"), py::arg("x"), py::arg("y"),
           py::arg("z") = 0.0)
      .def("field_names", &PySpatial::field_names)
      .def("field", &PySpatial::field, py::arg("name"))
      .def("set_field", &PySpatial::set_field, py::arg("name"), py::arg("values"))
      .def("counts", &PySpatial::counts)
      .def("history", &PySpatial::history);
}

}  // namespace nksim::python
