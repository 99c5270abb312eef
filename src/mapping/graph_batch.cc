#include "mapping/graph_batch.h"

namespace icegraph::mapping {
namespace {

const char* KindName(TgKind kind) {
  switch (kind) {
    case TgKind::kInt: return "INT";
    case TgKind::kUint: return "UINT";
    case TgKind::kFloat: return "FLOAT";
    case TgKind::kDouble: return "DOUBLE";
    case TgKind::kBool: return "BOOL";
    case TgKind::kString: return "STRING";
    case TgKind::kDatetime: return "DATETIME";
    case TgKind::kList: return "LIST";
    case TgKind::kSet: return "SET";
    case TgKind::kMap: return "MAP";
  }
  return "STRING";
}

std::shared_ptr<arrow::DataType> ScalarArrowType(TgKind kind) {
  switch (kind) {
    case TgKind::kInt: return arrow::int64();
    case TgKind::kUint: return arrow::uint64();
    case TgKind::kFloat: return arrow::float32();
    case TgKind::kDouble: return arrow::float64();
    case TgKind::kBool: return arrow::boolean();
    case TgKind::kDatetime: return arrow::timestamp(arrow::TimeUnit::SECOND, "UTC");
    case TgKind::kString:
    case TgKind::kList:
    case TgKind::kSet:
    case TgKind::kMap: break;
  }
  return arrow::utf8();
}

}  // namespace

std::string TgType::ToGsql() const {
  switch (kind) {
    case TgKind::kList:
    case TgKind::kSet: return std::string(KindName(kind)) + "<" + KindName(elem) + ">";
    case TgKind::kMap: return std::string("MAP<") + KindName(key) + ", " + KindName(value) + ">";
    default: return KindName(kind);
  }
}

std::shared_ptr<arrow::DataType> CanonicalArrowType(const TgType& type) {
  switch (type.kind) {
    case TgKind::kList:
    case TgKind::kSet: return arrow::list(ScalarArrowType(type.elem));
    case TgKind::kMap: return arrow::map(ScalarArrowType(type.key), ScalarArrowType(type.value));
    default: return ScalarArrowType(type.kind);
  }
}

}  // namespace icegraph::mapping
