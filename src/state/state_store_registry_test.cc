#include <gtest/gtest.h>

#include "state/state_store.h"

namespace icegraph::state {
namespace {

TEST(StateStoreRegistryTest, PicksTheStoreByScheme) {
  const auto unknown = StateStore::Open("mysql://host/db");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalid);
  EXPECT_EQ(unknown.status().message(),
            "state url 'mysql://...': no state store for 'mysql' (known: postgres, postgresql, sqlite)");
  std::string seen;
  RegisterStateStore("teststore", [&seen](const std::string& url) -> Result<std::unique_ptr<StateStore>> {
    seen = url;
    return Status::NotImplemented("a test store");
  });
  EXPECT_EQ(StateStore::Open("teststore://x/y").status().code(), StatusCode::kNotImplemented);
  EXPECT_EQ(seen, "teststore://x/y");
}

}  // namespace
}  // namespace icegraph::state
