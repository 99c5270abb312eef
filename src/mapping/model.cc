#include "mapping/model.h"

#include <fmt/format.h>

namespace icegraph::mapping {

Status Model::ErrorAt(const ConfigLoc& loc, std::string_view message) const {
  return Status::Invalid(fmt::format("{}:{}: {}: {}", file, loc.line, loc.path, message));
}

}  // namespace icegraph::mapping
