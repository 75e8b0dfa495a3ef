#include "nksim/mechanisms/mechanism_docs.h"

#include <sstream>

namespace nksim {
namespace {

// A table cell: '|' would end the cell, so it is escaped.
std::string cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

std::string_view evidence_label(Evidence evidence) {
  switch (evidence) {
    case Evidence::kNotApplicable:
      return "–";
    case Evidence::kAssumption:
      return "assumption";
    case Evidence::kRecalled:
      return "[P] recalled";
    case Evidence::kSeen:
      return "[V] seen in source";
    case Evidence::kSimulatorDefault:
      return "simulator default";
    case Evidence::kSynthesis:
      return "synthesis of sources";
  }
  return "–";
}

std::string parameters_markdown(std::span<const ParameterDoc> parameters) {
  std::ostringstream out;
  out << "| key | unit | default | meaning | source | evidence |\n"
      << "|---|---|---|---|---|---|\n";
  for (const ParameterDoc& p : parameters) {
    out << "| `" << p.key << "` | " << cell(p.unit) << " | " << cell(p.default_value) << " | "
        << cell(p.meaning) << " | " << cell(p.source) << " | " << evidence_label(p.evidence)
        << " |\n";
  }
  return out.str();
}

std::string parameters_text(std::span<const ParameterDoc> parameters) {
  std::ostringstream out;
  for (const ParameterDoc& p : parameters) {
    out << "  " << p.key << "\n      unit: " << (*p.unit ? p.unit : "–")
        << "   default: " << p.default_value << "   evidence: " << evidence_label(p.evidence)
        << "\n      meaning: " << p.meaning << "\n      source: " << p.source << "\n";
  }
  return out.str();
}

}  // namespace nksim
