// Files embedded in the binary at build time (cmake/EmbedFiles.cmake): the dashboard and the OpenAPI document.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace icegraph::service {

/// The embedded file named `name` ("index.html", "app.js", "style.css", "openapi.json"), if any.
std::optional<std::string_view> EmbeddedFile(std::string_view name);

}  // namespace icegraph::service
