#include "nksim/ode/expression.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace nksim {

struct Expr::Node {
  ExprOp op = ExprOp::kNumber;
  double value = 0;
  std::size_t index = 0;
  std::vector<Expr> args;
  std::string name;
};

namespace {

// Argument counts: {minimum, maximum}; piecewise takes an odd count >= 1.
std::pair<std::size_t, std::size_t> arity(ExprOp op) {
  switch (op) {
    case ExprOp::kNumber:
    case ExprOp::kState:
    case ExprOp::kParameter:
    case ExprOp::kTime: return {0, 0};
    case ExprOp::kNeg:
    case ExprOp::kExp:
    case ExprOp::kLog:
    case ExprOp::kLog10:
    case ExprOp::kSqrt:
    case ExprOp::kAbs:
    case ExprOp::kFloor:
    case ExprOp::kCeil:
    case ExprOp::kNot:
    case ExprOp::kNamed: return {1, 1};
    case ExprOp::kSub:
    case ExprOp::kDiv:
    case ExprOp::kPow:
    case ExprOp::kLt:
    case ExprOp::kLe:
    case ExprOp::kGt:
    case ExprOp::kGe:
    case ExprOp::kEq:
    case ExprOp::kNe: return {2, 2};
    case ExprOp::kAdd:
    case ExprOp::kMul:
    case ExprOp::kMin:
    case ExprOp::kMax:
    case ExprOp::kAnd:
    case ExprOp::kOr: return {2, SIZE_MAX};
    case ExprOp::kPiecewise: return {1, SIZE_MAX};
  }
  return {0, 0};
}

}  // namespace

Expr::Expr() : Expr(0.0) {}

Expr::Expr(double value) {
  auto node = std::make_shared<Node>();
  node->value = value;
  node_ = std::move(node);
}

Expr Expr::state(std::size_t index) {
  auto node = std::make_shared<Node>();
  node->op = ExprOp::kState;
  node->index = index;
  return Expr(std::move(node));
}

Expr Expr::parameter(std::size_t index) {
  auto node = std::make_shared<Node>();
  node->op = ExprOp::kParameter;
  node->index = index;
  return Expr(std::move(node));
}

Expr Expr::time() {
  auto node = std::make_shared<Node>();
  node->op = ExprOp::kTime;
  return Expr(std::move(node));
}

Expr Expr::make(ExprOp op, std::vector<Expr> args) {
  const auto [lo, hi] = arity(op);
  if (args.size() < lo || args.size() > hi || (op == ExprOp::kPiecewise && args.size() % 2 == 0)) {
    throw std::invalid_argument("expression: wrong number of arguments (" +
                                std::to_string(args.size()) + ")");
  }
  auto node = std::make_shared<Node>();
  node->op = op;
  node->args = std::move(args);
  return Expr(std::move(node));
}

Expr Expr::named(std::string name, Expr definition) {
  auto node = std::make_shared<Node>();
  node->op = ExprOp::kNamed;
  node->name = std::move(name);
  node->args.push_back(std::move(definition));
  return Expr(std::move(node));
}

const std::string& Expr::name() const { return node_->name; }

ExprOp Expr::op() const { return node_->op; }
double Expr::number() const { return node_->value; }
std::size_t Expr::index() const { return node_->index; }
std::span<const Expr> Expr::args() const { return node_->args; }

Expr operator+(const Expr& a, const Expr& b) { return Expr::make(ExprOp::kAdd, {a, b}); }
Expr operator-(const Expr& a, const Expr& b) { return Expr::make(ExprOp::kSub, {a, b}); }
Expr operator*(const Expr& a, const Expr& b) { return Expr::make(ExprOp::kMul, {a, b}); }
Expr operator/(const Expr& a, const Expr& b) { return Expr::make(ExprOp::kDiv, {a, b}); }
Expr operator-(const Expr& a) { return Expr::make(ExprOp::kNeg, {a}); }
Expr pow(const Expr& base, const Expr& exponent) {
  return Expr::make(ExprOp::kPow, {base, exponent});
}
Expr exp(const Expr& a) { return Expr::make(ExprOp::kExp, {a}); }
Expr log(const Expr& a) { return Expr::make(ExprOp::kLog, {a}); }
Expr lt(const Expr& a, const Expr& b) { return Expr::make(ExprOp::kLt, {a, b}); }
Expr le(const Expr& a, const Expr& b) { return Expr::make(ExprOp::kLe, {a, b}); }
Expr gt(const Expr& a, const Expr& b) { return Expr::make(ExprOp::kGt, {a, b}); }
Expr ge(const Expr& a, const Expr& b) { return Expr::make(ExprOp::kGe, {a, b}); }

Expr piecewise(const std::vector<std::pair<Expr, Expr>>& pieces, const Expr& otherwise) {
  std::vector<Expr> args;
  for (const auto& [value, condition] : pieces) {
    args.push_back(value);
    args.push_back(condition);
  }
  args.push_back(otherwise);
  return Expr::make(ExprOp::kPiecewise, std::move(args));
}

double evaluate(const Expr& e, double t, const double* y, const double* p) {
  const auto arg = [&](std::size_t i) { return evaluate(e.args()[i], t, y, p); };
  const auto args = e.args();
  switch (e.op()) {
    case ExprOp::kNumber: return e.number();
    case ExprOp::kState: return y[e.index()];
    case ExprOp::kParameter: return p[e.index()];
    case ExprOp::kTime: return t;
    case ExprOp::kNeg: return -arg(0);
    case ExprOp::kNamed: return arg(0);
    case ExprOp::kAdd: {
      double sum = arg(0);
      for (std::size_t i = 1; i < args.size(); ++i) sum += arg(i);
      return sum;
    }
    case ExprOp::kSub: return arg(0) - arg(1);
    case ExprOp::kMul: {
      double product = arg(0);
      for (std::size_t i = 1; i < args.size(); ++i) product *= arg(i);
      return product;
    }
    case ExprOp::kDiv: return arg(0) / arg(1);
    case ExprOp::kPow: return std::pow(arg(0), arg(1));
    case ExprOp::kExp: return std::exp(arg(0));
    case ExprOp::kLog: return std::log(arg(0));
    case ExprOp::kLog10: return std::log10(arg(0));
    case ExprOp::kSqrt: return std::sqrt(arg(0));
    case ExprOp::kAbs: return std::fabs(arg(0));
    case ExprOp::kFloor: return std::floor(arg(0));
    case ExprOp::kCeil: return std::ceil(arg(0));
    case ExprOp::kMin:
    case ExprOp::kMax: {
      double best = arg(0);
      for (std::size_t i = 1; i < args.size(); ++i) {
        const double v = arg(i);
        best = e.op() == ExprOp::kMin ? std::min(best, v) : std::max(best, v);
      }
      return best;
    }
    case ExprOp::kLt: return arg(0) < arg(1) ? 1 : 0;
    case ExprOp::kLe: return arg(0) <= arg(1) ? 1 : 0;
    case ExprOp::kGt: return arg(0) > arg(1) ? 1 : 0;
    case ExprOp::kGe: return arg(0) >= arg(1) ? 1 : 0;
    case ExprOp::kEq: return arg(0) == arg(1) ? 1 : 0;
    case ExprOp::kNe: return arg(0) != arg(1) ? 1 : 0;
    case ExprOp::kAnd:
      for (std::size_t i = 0; i < args.size(); ++i) {
        if (arg(i) == 0) return 0;
      }
      return 1;
    case ExprOp::kOr:
      for (std::size_t i = 0; i < args.size(); ++i) {
        if (arg(i) != 0) return 1;
      }
      return 0;
    case ExprOp::kNot: return arg(0) == 0 ? 1 : 0;
    case ExprOp::kPiecewise:
      for (std::size_t i = 0; i + 1 < args.size(); i += 2) {
        if (arg(i + 1) != 0) return arg(i);
      }
      return arg(args.size() - 1);
  }
  return 0;
}

bool depends_on_state_or_time(const Expr& e) {
  if (e.op() == ExprOp::kState || e.op() == ExprOp::kTime) return true;
  return std::any_of(e.args().begin(), e.args().end(),
                     [](const Expr& a) { return depends_on_state_or_time(a); });
}

bool depends_on_time(const Expr& e) {
  if (e.op() == ExprOp::kTime) return true;
  return std::any_of(e.args().begin(), e.args().end(),
                     [](const Expr& a) { return depends_on_time(a); });
}

namespace {

void collect_named(const Expr& e, std::vector<Expr>& out) {
  for (const Expr& a : e.args()) collect_named(a, out);
  if (e.op() != ExprOp::kNamed) return;
  for (const Expr& seen : out) {
    if (seen.same_node(e)) return;
  }
  out.push_back(e);
}

}  // namespace

std::vector<Expr> named_intermediates(std::span<const Expr> expressions) {
  std::vector<Expr> out;
  for (const Expr& e : expressions) collect_named(e, out);
  return out;
}

const char* function_name(ExprOp op) {
  switch (op) {
    case ExprOp::kExp: return "exp";
    case ExprOp::kLog: return "ln";
    case ExprOp::kLog10: return "log10";
    case ExprOp::kSqrt: return "sqrt";
    case ExprOp::kAbs: return "abs";
    case ExprOp::kFloor: return "floor";
    case ExprOp::kCeil: return "ceil";
    case ExprOp::kMin: return "min";
    case ExprOp::kMax: return "max";
    case ExprOp::kPiecewise: return "piecewise";
    default: return "";
  }
}

namespace {

// Binding strength, loosest first.
enum Precedence { kOr = 1, kAnd, kCompare, kSum, kProduct, kUnary, kPower, kAtom };

Precedence precedence(const Expr& e) {
  switch (e.op()) {
    case ExprOp::kOr: return kOr;
    case ExprOp::kAnd: return kAnd;
    case ExprOp::kLt:
    case ExprOp::kLe:
    case ExprOp::kGt:
    case ExprOp::kGe:
    case ExprOp::kEq:
    case ExprOp::kNe: return kCompare;
    case ExprOp::kAdd:
    case ExprOp::kSub: return kSum;
    case ExprOp::kMul:
    case ExprOp::kDiv: return kProduct;
    case ExprOp::kNeg:
    case ExprOp::kNot: return kUnary;
    case ExprOp::kPow: return kPower;
    case ExprOp::kNumber: return e.number() < 0 ? kSum : kAtom;  // x*(-2), not x*-2
    default: return kAtom;
  }
}

const char* infix_symbol(ExprOp op) {
  switch (op) {
    case ExprOp::kAdd: return " + ";
    case ExprOp::kSub: return " - ";
    case ExprOp::kMul: return "*";
    case ExprOp::kDiv: return "/";
    case ExprOp::kPow: return "^";
    case ExprOp::kLt: return " < ";
    case ExprOp::kLe: return " <= ";
    case ExprOp::kGt: return " > ";
    case ExprOp::kGe: return " >= ";
    case ExprOp::kEq: return " == ";
    case ExprOp::kNe: return " != ";
    case ExprOp::kAnd: return " && ";
    case ExprOp::kOr: return " || ";
    default: return "";
  }
}

std::string number_text(double value) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

struct Printer {
  std::span<const std::string> states;
  std::span<const std::string> parameters;

  std::string operator()(const Expr& e) const {
    switch (e.op()) {
      case ExprOp::kNumber: return number_text(e.number());
      case ExprOp::kState: return name(states, e.index(), "y");
      case ExprOp::kParameter: return name(parameters, e.index(), "p");
      case ExprOp::kTime: return "time";
      case ExprOp::kNamed: return e.name();
      case ExprOp::kNeg: return "-" + operand(e.args()[0], kUnary, true);
      case ExprOp::kNot: return "!" + operand(e.args()[0], kUnary, true);
      default: break;
    }
    const Precedence own = precedence(e);
    if (own == kAtom) {  // a function call
      std::string text = std::string(function_name(e.op())) + "(";
      for (std::size_t i = 0; i < e.args().size(); ++i) {
        text += (i ? ", " : "") + (*this)(e.args()[i]);
      }
      return text + ")";
    }
    // Binary and n-ary operators: left-associative except ^; comparisons never chain.
    const bool power = e.op() == ExprOp::kPow;
    const bool compare = own == kCompare;
    std::string text;
    for (std::size_t i = 0; i < e.args().size(); ++i) {
      const bool first = i == 0;
      const bool strict = power ? first : (!first || compare);
      if (!first) text += infix_symbol(e.op());
      text += operand(e.args()[i], own, strict);
    }
    return text;
  }

  // An operand printed inside an operator of precedence `outer`; `strict`: an operand of the same
  // precedence needs parentheses there too.
  std::string operand(const Expr& e, Precedence outer, bool strict) const {
    const Precedence inner = precedence(e);
    const bool parens = inner < outer || (strict && inner == outer);
    return parens ? "(" + (*this)(e) + ")" : (*this)(e);
  }

  static std::string name(std::span<const std::string> names, std::size_t index,
                          const char* fallback) {
    if (index < names.size()) return names[index];
    return std::string(fallback) + "[" + std::to_string(index) + "]";
  }
};

}  // namespace

std::string to_infix(const Expr& e, std::span<const std::string> state_names,
                     std::span<const std::string> parameter_names) {
  return Printer{state_names, parameter_names}(e);
}

}  // namespace nksim
