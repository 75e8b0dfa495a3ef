#include "nksim/io/sbml_math.h"

#include <stdexcept>

#include <sbml/SBMLTypes.h>

LIBSBML_CPP_NAMESPACE_USE

namespace nksim::sbml {
namespace {

ASTNodeType_t ast_type(ExprOp op) {
  switch (op) {
    case ExprOp::kNeg:
    case ExprOp::kSub: return AST_MINUS;
    case ExprOp::kAdd: return AST_PLUS;
    case ExprOp::kMul: return AST_TIMES;
    case ExprOp::kDiv: return AST_DIVIDE;
    case ExprOp::kPow: return AST_POWER;
    case ExprOp::kExp: return AST_FUNCTION_EXP;
    case ExprOp::kLog: return AST_FUNCTION_LN;
    case ExprOp::kLog10: return AST_FUNCTION_LOG;
    case ExprOp::kSqrt: return AST_FUNCTION_ROOT;
    case ExprOp::kAbs: return AST_FUNCTION_ABS;
    case ExprOp::kFloor: return AST_FUNCTION_FLOOR;
    case ExprOp::kCeil: return AST_FUNCTION_CEILING;
    case ExprOp::kMin: return AST_FUNCTION_MIN;
    case ExprOp::kMax: return AST_FUNCTION_MAX;
    case ExprOp::kLt: return AST_RELATIONAL_LT;
    case ExprOp::kLe: return AST_RELATIONAL_LEQ;
    case ExprOp::kGt: return AST_RELATIONAL_GT;
    case ExprOp::kGe: return AST_RELATIONAL_GEQ;
    case ExprOp::kEq: return AST_RELATIONAL_EQ;
    case ExprOp::kNe: return AST_RELATIONAL_NEQ;
    case ExprOp::kAnd: return AST_LOGICAL_AND;
    case ExprOp::kOr: return AST_LOGICAL_OR;
    case ExprOp::kNot: return AST_LOGICAL_NOT;
    case ExprOp::kPiecewise: return AST_FUNCTION_PIECEWISE;
    default: throw std::logic_error("sbml: no MathML operator for this expression");
  }
}

std::unique_ptr<ASTNode> number(double value) {
  auto node = std::make_unique<ASTNode>(AST_REAL);
  node->setValue(value);
  return node;
}

std::unique_ptr<ASTNode> name(const std::string& id) {
  auto node = std::make_unique<ASTNode>(AST_NAME);
  node->setName(id.c_str());
  return node;
}

}  // namespace

std::unique_ptr<ASTNode> to_ast(const Expr& e, std::span<const std::string> states,
                                         std::span<const std::string> parameters) {
  switch (e.op()) {
    case ExprOp::kNumber: return number(e.number());
    case ExprOp::kState: return name(states[e.index()]);
    case ExprOp::kParameter: return name(parameters[e.index()]);
    case ExprOp::kNamed: return name(e.name());
    case ExprOp::kTime: {
      auto node = std::make_unique<ASTNode>(AST_NAME_TIME);
      node->setName("time");
      return node;
    }
    default: break;
  }
  auto node = std::make_unique<ASTNode>(ast_type(e.op()));
  if (e.op() == ExprOp::kLog10) node->addChild(number(10).release());  // <logbase>
  if (e.op() == ExprOp::kSqrt) node->addChild(number(2).release());    // <degree>
  for (const Expr& arg : e.args()) node->addChild(to_ast(arg, states, parameters).release());
  return node;
}

}  // namespace nksim::sbml
