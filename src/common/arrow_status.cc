#include "common/arrow_status.h"

namespace icegraph {

Status FromArrowStatus(const arrow::Status& st, std::string_view context) {
  if (st.ok()) return Status::OK();
  const StatusCode code = st.IsIOError()          ? StatusCode::kIOError
                          : st.IsNotImplemented() ? StatusCode::kNotImplemented
                          : st.IsTypeError()      ? StatusCode::kTypeError
                          : st.IsKeyError()       ? StatusCode::kNotFound
                          : st.IsOutOfMemory()    ? StatusCode::kUnavailable
                                                  : StatusCode::kInvalid;
  return {code, std::string(context) + ": " + st.ToString()};
}

}  // namespace icegraph
