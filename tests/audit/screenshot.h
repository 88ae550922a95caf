// tests/audit/screenshot.h
// Draws an HTML report with a real browser (headless Chromium, from Debian's package) and
// keeps the picture in the build's audit-screenshots folder, where docs/images' copies
// come from. Fails the calling test if the browser is missing, fails, or draws nothing
// that looks like a page with charts.
//
// Thread-safety: not thread-safe (one browser profile per call's scratch folder).

#pragma once

#include <string>

namespace tamga::testing {

// Renders `html_file` in a window `width` by `height` into `<screenshots>/<png_name>`;
// `scratch_dir` takes the browser's profile.
void ExpectScreenshot(const std::string& html_file, const std::string& png_name, int width,
                      int height, const std::string& scratch_dir);

}  // namespace tamga::testing
