// web/assets.h
// The verifier page's static files (web/*.html, *.css, *.js), built into the program by
// cmake/embed_web.cmake so that tamgad serves exactly the files of its own source tree.
//
// Thread-safety: constant data.

#pragma once

#include <span>
#include <string_view>

namespace tamga::web {

struct Asset {
  std::string_view name;          // "index.html", "verify.js", ...
  std::string_view content_type;  // "text/javascript; charset=utf-8", ...
  std::string_view body;
};

std::span<const Asset> Assets();

// The asset called `name`, or nullptr.
inline const Asset* FindAsset(std::string_view name) {
  for (const Asset& a : Assets()) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

}  // namespace tamga::web
