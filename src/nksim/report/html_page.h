// A self-contained HTML report page: text, tables and Vega-Lite charts, with the charting
// library embedded inline so that the file opens without a network.
//
// Each chart is a Vega-Lite spec whose data are named inline datasets; the page keeps every
// rendered view in `window.nksimViews[<chart id>]` and sets `document.body.dataset.rendered`
// to "ok" (or "error") once all charts are drawn, so that a browser test can read the data
// back with `view.data(name)`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "nksim/report/chart_library.h"

namespace nksim::report {

// Okabe & Ito (2008) colour-blind-safe palette, black last.
inline constexpr const char* kOkabeIto[] = {"#E69F00", "#56B4E9", "#009E73", "#CC79A7",
                                            "#0072B2", "#D55E00", "#F0E442", "#000000"};

// Escapes &, <, >, " and ' for HTML text and attribute values.
std::string html_escape(std::string_view text);

// JSON text that is safe inside a <script> element ('<' written as \u003c).
std::string script_safe_json(const nlohmann::json& value);

class HtmlPage {
 public:
  explicit HtmlPage(std::string title);

  // A plain-language headline under the title (escaped).
  void headline(std::string_view text);
  // A section heading (escaped).
  void heading(std::string_view text);
  // A paragraph of escaped text; `css_class` ("note", "evidence", ...) may be empty.
  void paragraph(std::string_view text, std::string_view css_class = "");
  // Raw, already safe HTML (callers escape what they insert).
  void raw_html(std::string_view html);
  // A table of escaped cells; the first row is the header.
  void table(const std::vector<std::vector<std::string>>& rows, std::string_view caption = "");
  // A chart with a caption under it. `id` must be unique; letters, digits, '_' and '-'.
  void chart(const std::string& id, nlohmann::json vega_lite_spec, std::string_view caption);

  // An interactive 3-D view (three.js, inlined only in pages that have one) of spheres:
  // `scene` = {"categories": [names], "colours": [css], "x", "y", "z", "r": [µm], "k":
  // [category index]} (arrays of one entry per sphere). The page records
  // window.nksimScenes[id] = {spheres, drawn} and sets data-scene on the element to "ok", or
  // to "no-webgl" (with a message) where the browser cannot draw 3-D.
  void scene3d(const std::string& id, nlohmann::json scene, std::string_view caption);

  // The whole page with the library inlined. Throws Error when the page has a 3-D view and
  // three.js is not installed.
  std::string render(const ChartLibrary& library) const;

  const std::vector<std::string>& chart_ids() const { return chart_ids_; }

 private:
  std::string title_;
  std::string body_;
  nlohmann::json charts_ = nlohmann::json::object();
  nlohmann::json scenes_ = nlohmann::json::object();
  std::vector<std::string> chart_ids_;
};

// Common Vega-Lite config: readable fonts, Okabe-Ito categories.
nlohmann::json chart_config();

}  // namespace nksim::report
