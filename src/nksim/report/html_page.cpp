#include "nksim/report/html_page.h"

#include <algorithm>

#include "nksim/core/error.h"
#include "nksim/core/version.h"

namespace nksim::report {
namespace {

constexpr const char* kStyle = R"(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
 font-size:16px;line-height:1.5;color:#1a1a1a;background:#fff;margin:0}
main{max-width:1000px;margin:0 auto;padding:1.5rem}
h1{font-size:1.8rem;margin-bottom:.3rem}
h2{font-size:1.35rem;margin-top:2.2rem;border-bottom:1px solid #ccc;padding-bottom:.2rem}
.headline{font-size:1.2rem;background:#eef5fb;border-left:6px solid #0072B2;padding:.7rem 1rem}
.note{color:#444;font-size:.95rem}
.evidence{background:#fff6e5;border-left:6px solid #E69F00;padding:.5rem 1rem}
.caption{color:#444;font-size:.95rem;margin-top:.2rem}
.chart{margin-top:1rem}
table{border-collapse:collapse;margin:.8rem 0;font-size:.95rem}
caption{text-align:left;font-weight:600;padding-bottom:.3rem}
th,td{border:1px solid #bbb;padding:.25rem .6rem;text-align:left;vertical-align:top}
th{background:#f0f0f0}
footer{margin-top:3rem;color:#555;font-size:.85rem}
)";

constexpr const char* kBootstrap = R"(
(function () {
  var specs = JSON.parse(document.getElementById('nksim-charts').textContent);
  window.nksimViews = {};
  var options = {renderer: 'svg', actions: {export: true, source: false, compiled: false,
                 editor: false}};
  var jobs = Object.keys(specs).map(function (id) {
    return vegaEmbed('#chart-' + id, specs[id], options).then(function (result) {
      window.nksimViews[id] = result.view;
    });
  });
  Promise.all(jobs).then(function () {
    document.body.dataset.rendered = 'ok';
  }).catch(function (error) {
    console.error('nksim report: a chart could not be drawn: ' + error);
    document.body.dataset.rendered = 'error';
  });
})();
)";

// Draws each 3-D view: one instanced sphere mesh coloured per category; drag to turn, wheel
// to zoom. preserveDrawingBuffer keeps the pixels readable (PNG saving, the browser test).
constexpr const char* kSceneBootstrap = R"(
(function () {
  var scenes = JSON.parse(document.getElementById('nksim-scenes').textContent);
  window.nksimScenes = {};
  Object.keys(scenes).forEach(function (id) {
    var s = scenes[id], box = document.getElementById('scene-' + id);
    var n = s.x.length, record = {spheres: n, drawn: 0};
    window.nksimScenes[id] = record;
    var renderer;
    try {
      renderer = new THREE.WebGLRenderer({antialias: true, preserveDrawingBuffer: true});
    } catch (error) {
      box.dataset.scene = 'no-webgl';
      box.textContent = 'This browser cannot draw 3-D views (WebGL is off); the slices above ' +
                        'show the same tissue.';
      return;
    }
    var width = box.clientWidth || 800, height = box.clientHeight || 520;
    renderer.setSize(width, height);
    renderer.setClearColor(0xffffff);
    box.appendChild(renderer.domElement);
    var scene = new THREE.Scene();
    scene.add(new THREE.AmbientLight(0xffffff, 0.55));
    var sun = new THREE.DirectionalLight(0xffffff, 0.9);
    sun.position.set(1, 2, 3);
    scene.add(sun);
    var lo = [Infinity, Infinity, Infinity], hi = [-Infinity, -Infinity, -Infinity];
    for (var i = 0; i < n; ++i) {
      [s.x[i], s.y[i], s.z[i]].forEach(function (v, a) {
        lo[a] = Math.min(lo[a], v); hi[a] = Math.max(hi[a], v);
      });
    }
    var centre = lo.map(function (v, a) { return n ? (v + hi[a]) / 2 : 0; });
    var size = n ? Math.max(hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2], 1) : 100;
    var group = new THREE.Group();
    var mesh = new THREE.InstancedMesh(new THREE.SphereGeometry(1, 14, 10),
                                       new THREE.MeshLambertMaterial(), Math.max(n, 1));
    var matrix = new THREE.Matrix4(), colour = new THREE.Color();
    for (var j = 0; j < n; ++j) {
      matrix.makeScale(s.r[j], s.r[j], s.r[j]);
      matrix.setPosition(s.x[j] - centre[0], s.y[j] - centre[1], s.z[j] - centre[2]);
      mesh.setMatrixAt(j, matrix);
      mesh.setColorAt(j, colour.set(s.colours[s.k[j]]));
    }
    mesh.count = n;
    group.add(mesh);
    scene.add(group);
    var camera = new THREE.PerspectiveCamera(40, width / height, size / 100, size * 20);
    var distance = size * 1.9;
    function draw() {
      camera.position.set(0, 0, distance);
      camera.lookAt(0, 0, 0);
      renderer.render(scene, camera);
      record.drawn += 1;
    }
    group.rotation.set(-0.6, 0.5, 0);
    var drag = null;
    renderer.domElement.addEventListener('pointerdown', function (e) {
      drag = [e.clientX, e.clientY];
    });
    window.addEventListener('pointerup', function () { drag = null; });
    window.addEventListener('pointermove', function (e) {
      if (!drag) return;
      group.rotation.y += (e.clientX - drag[0]) * 0.01;
      group.rotation.x += (e.clientY - drag[1]) * 0.01;
      drag = [e.clientX, e.clientY];
      draw();
    });
    renderer.domElement.addEventListener('wheel', function (e) {
      e.preventDefault();
      distance = Math.min(size * 10, Math.max(size * 0.3, distance * (e.deltaY > 0 ? 1.1 : 0.9)));
      draw();
    }, {passive: false});
    draw();
    var legend = document.createElement('div');
    legend.className = 'scene-legend';
    s.categories.forEach(function (name, c) {
      var item = document.createElement('span');
      item.style.marginRight = '1.2em';
      item.innerHTML = '<span style="display:inline-block;width:.9em;height:.9em;' +
                       'border-radius:50%;margin-right:.3em;background:' + s.colours[c] + '"></span>';
      item.appendChild(document.createTextNode(name));
      legend.appendChild(item);
    });
    box.parentNode.insertBefore(legend, box.nextSibling);
    box.dataset.scene = 'ok';
  });
})();
)";

bool valid_id(const std::string& id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string script_safe_json(const nlohmann::json& value) {
  const std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '<') {
      out += "\\u003c";
    } else {
      out += c;
    }
  }
  return out;
}

nlohmann::json chart_config() {
  nlohmann::json palette = nlohmann::json::array();
  for (const char* colour : kOkabeIto) palette.push_back(colour);
  return {{"font", "system-ui, Segoe UI, Roboto, Helvetica, Arial, sans-serif"},
          {"range", {{"category", palette}}},
          {"axis", {{"labelFontSize", 13}, {"titleFontSize", 14}, {"titleFontWeight", "normal"}}},
          {"legend", {{"labelFontSize", 13}, {"titleFontSize", 13}, {"labelLimit", 320}}},
          {"header", {{"labelFontSize", 14}, {"titleFontSize", 14}}},
          {"title", {{"fontSize", 15}, {"anchor", "start"}}},
          {"view", {{"stroke", "#999"}}}};
}

HtmlPage::HtmlPage(std::string title) : title_(std::move(title)) {
  body_ += "<h1>" + html_escape(title_) + "</h1>\n";
}

void HtmlPage::headline(std::string_view text) {
  body_ += "<p class=\"headline\" id=\"headline\">" + html_escape(text) + "</p>\n";
}

void HtmlPage::heading(std::string_view text) { body_ += "<h2>" + html_escape(text) + "</h2>\n"; }

void HtmlPage::paragraph(std::string_view text, std::string_view css_class) {
  body_ += css_class.empty() ? "<p>" : "<p class=\"" + html_escape(css_class) + "\">";
  body_ += html_escape(text) + "</p>\n";
}

void HtmlPage::raw_html(std::string_view html) { body_ += html; }

void HtmlPage::table(const std::vector<std::vector<std::string>>& rows, std::string_view caption) {
  body_ += "<table>";
  if (!caption.empty()) body_ += "<caption>" + html_escape(caption) + "</caption>";
  for (std::size_t r = 0; r < rows.size(); ++r) {
    body_ += "<tr>";
    for (const auto& cell : rows[r]) {
      body_ += r == 0 ? "<th>" : "<td>";
      body_ += html_escape(cell);
      body_ += r == 0 ? "</th>" : "</td>";
    }
    body_ += "</tr>";
  }
  body_ += "</table>\n";
}

void HtmlPage::chart(const std::string& id, nlohmann::json vega_lite_spec,
                     std::string_view caption) {
  if (!valid_id(id) || charts_.contains(id)) throw Error("report: bad or repeated chart id " + id);
  vega_lite_spec["$schema"] = "https://vega.github.io/schema/vega-lite/v6.json";
  if (!vega_lite_spec.contains("config")) vega_lite_spec["config"] = chart_config();
  charts_[id] = std::move(vega_lite_spec);
  chart_ids_.push_back(id);
  body_ += "<figure class=\"chart-figure\"><div class=\"chart\" id=\"chart-" + id + "\"></div>";
  body_ += "<figcaption class=\"caption\">" + html_escape(caption) + "</figcaption></figure>\n";
}

void HtmlPage::scene3d(const std::string& id, nlohmann::json scene, std::string_view caption) {
  if (!valid_id(id) || scenes_.contains(id)) throw Error("report: bad or repeated scene id " + id);
  scenes_[id] = std::move(scene);
  body_ += "<figure class=\"chart-figure\"><div class=\"scene3d\" id=\"scene-" + id +
           "\" style=\"width:800px;height:520px;max-width:100%;cursor:grab;"
           "border:1px solid #ddd\"></div>";
  body_ += "<figcaption class=\"caption\">" + html_escape(caption) + "</figcaption></figure>\n";
}

std::string HtmlPage::render(const ChartLibrary& library) const {
  const bool three = !scenes_.empty();
  if (three && library.three.empty()) {
    throw Error("cannot find three.js (" +
                (library.node_modules / "three/build/three.min.js").string() +
                "), which the 3-D view of this report embeds: run scripts/setup.sh (it installs "
                "it into tools/report/node_modules)");
  }
  std::string page;
  page.reserve(library.vega.size() + library.vega_lite.size() + library.vega_embed.size() +
               body_.size() + 4096);
  page += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  page += "<meta name=\"generator\" content=\"nksim " + std::string(kVersion) + "\">\n";
  page +=
      "<title>" + html_escape(title_) + "</title>\n<style>" + std::string(kStyle) + "</style>\n";
  page += "<script>" + library.vega + "</script>\n";
  page += "<script>" + library.vega_lite + "</script>\n";
  page += "<script>" + library.vega_embed + "</script>\n";
  if (three) page += "<script>" + library.three + "</script>\n";
  page += "</head>\n<body>\n<main>\n" + body_;
  page += "<footer>Written by nksim " + std::string(kVersion) + ". Charts drawn with " +
          html_escape(library.versions + (three ? ", " + library.three_version : "")) +
          " (embedded in this file; no network needed). Use the \"&hellip;\" menu of a chart "
          "to save it as SVG or PNG. nksim is a research and teaching tool, not medical "
          "advice.</footer>\n</main>\n";
  page += "<script type=\"application/json\" id=\"nksim-charts\">" + script_safe_json(charts_) +
          "</script>\n";
  if (three) {
    page += "<script type=\"application/json\" id=\"nksim-scenes\">" + script_safe_json(scenes_) +
            "</script>\n";
    page += "<script>" + std::string(kSceneBootstrap) + "</script>\n";
  }
  page += "<script>" + std::string(kBootstrap) + "</script>\n</body>\n</html>\n";
  return page;
}

}  // namespace nksim::report
