// Equations as data: a small expression tree over a model's states, parameters and time.
//
// Every built-in model states its right-hand side in this form (OdeModel::equations()), so that
// `nksim describe` can print it and SBML export can write it; models imported from SBML are
// evaluated from it. The tree is immutable and its nodes are shared, so copies are cheap and one
// tree may be evaluated from many threads at once.
//
// Booleans (comparisons, and, or, not) evaluate to 1 or 0. piecewise(v1, c1, v2, c2, ..., other)
// is the value of the first piece whose condition is true, else `other` (SBML's piecewise).
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace nksim {

enum class ExprOp {
  kNumber, kState, kParameter, kTime,
  kNeg, kAdd, kSub, kMul, kDiv, kPow,
  kExp, kLog, kLog10, kSqrt, kAbs, kFloor, kCeil, kMin, kMax,
  kLt, kLe, kGt, kGe, kEq, kNe, kAnd, kOr, kNot,
  kPiecewise,
  kNamed,  // a named intermediate quantity: prints as its name, evaluates its one argument
};

class Expr {
 public:
  Expr();                     // the number 0
  Expr(double value);         // NOLINT(google-explicit-constructor): numbers read naturally
  static Expr state(std::size_t index);
  static Expr parameter(std::size_t index);
  static Expr time();
  // An operation on arguments; throws std::invalid_argument for a wrong argument count.
  static Expr make(ExprOp op, std::vector<Expr> args);
  // A named intermediate ("DT = d/(1 + s*(T/L)^l)*T"), printed by name in equations and
  // defined once beside them; SBML export writes it as an assignment rule.
  static Expr named(std::string name, Expr definition);

  ExprOp op() const;
  double number() const;      // kNumber only
  std::size_t index() const;  // kState and kParameter only
  std::span<const Expr> args() const;
  const std::string& name() const;  // kNamed only
  bool same_node(const Expr& other) const { return node_ == other.node_; }

 private:
  struct Node;
  explicit Expr(std::shared_ptr<const Node> node) : node_(std::move(node)) {}
  std::shared_ptr<const Node> node_;
};

Expr operator+(const Expr& a, const Expr& b);
Expr operator-(const Expr& a, const Expr& b);
Expr operator*(const Expr& a, const Expr& b);
Expr operator/(const Expr& a, const Expr& b);
Expr operator-(const Expr& a);
Expr pow(const Expr& base, const Expr& exponent);
Expr exp(const Expr& a);
Expr log(const Expr& a);
Expr lt(const Expr& a, const Expr& b);
Expr le(const Expr& a, const Expr& b);
Expr gt(const Expr& a, const Expr& b);
Expr ge(const Expr& a, const Expr& b);
// piecewise({{v1, c1}, {v2, c2}}, otherwise)
Expr piecewise(const std::vector<std::pair<Expr, Expr>>& pieces, const Expr& otherwise);

// The value at time t, states y and parameters p.
double evaluate(const Expr& e, double t, const double* y, const double* p);

// Whether the expression reads a state or time (false: a function of parameters only).
bool depends_on_state_or_time(const Expr& e);
// Whether the expression reads time (through named intermediates too).
bool depends_on_time(const Expr& e);

// The named intermediates the expressions use, each once, every one after those it uses.
std::vector<Expr> named_intermediates(std::span<const Expr> expressions);

// Readable infix text: a*T*(1 - b*T) - c*N*T. A named intermediate prints as its name (print its
// definition with to_infix(e.args()[0], ...)). Powers are written ^, conditions with < <= > >=
// == != && || !, and piecewise(...) as in SBML's Level 3 text syntax, so that the text also
// reads back with libSBML's formula parser.
std::string to_infix(const Expr& e, std::span<const std::string> state_names,
                     std::span<const std::string> parameter_names);

// The name of a function operation as written in infix text ("exp", "min", "piecewise"...).
const char* function_name(ExprOp op);

}  // namespace nksim
