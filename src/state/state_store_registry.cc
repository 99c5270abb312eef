// StateStore::Open: the store registered for the URL's scheme, as iceberg/catalog.cc does for catalogs.
#include <map>
#include <mutex>
#include <utility>

#include "state/postgres_state_store.h"
#include "state/state_store.h"

namespace icegraph::state {

// Defined by each store's source file; called once so static linking keeps them.
Result<std::unique_ptr<StateStore>> OpenSqliteStateStore(const std::string& url);

namespace {

std::map<std::string, StateStoreFactory>& Registry() {
  static std::map<std::string, StateStoreFactory> registry;
  return registry;
}

std::mutex& RegistryMutex() {
  static std::mutex mu;
  return mu;
}

}  // namespace

void RegisterStateStore(const std::string& scheme, StateStoreFactory factory) {
  const std::lock_guard<std::mutex> lock(RegistryMutex());
  Registry()[scheme] = std::move(factory);
}

Result<std::unique_ptr<StateStore>> StateStore::Open(const std::string& url) {
  static std::once_flag once;
  std::call_once(once, [] {
    RegisterStateStore("sqlite", OpenSqliteStateStore);
    RegisterStateStore("postgresql", OpenPostgresStateStore);
    RegisterStateStore("postgres", OpenPostgresStateStore);
  });
  const size_t sep = url.find("://");
  const std::string scheme = sep == std::string::npos ? "sqlite" : url.substr(0, sep);  // a bare path is a file
  StateStoreFactory factory;
  {
    const std::lock_guard<std::mutex> lock(RegistryMutex());
    const auto it = Registry().find(scheme);
    if (it == Registry().end()) {
      std::string known;
      for (const auto& [name, f] : Registry()) known += (known.empty() ? "" : ", ") + name;
      return Status::Invalid("state url '" + scheme + "://...': no state store for '" + scheme + "' (known: " + known +
                             ")");
    }
    factory = it->second;
  }
  return factory(url);
}

}  // namespace icegraph::state
