// Users, secrets and tokens of the emulator: Basic auth for the GSQL server, Bearer tokens for REST++.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "common/status.h"

namespace icegraph::emulator {

struct TokenInfo {
  std::string user;
  std::string graph;
  int64_t expires_at = 0;     // unix seconds, as answered to clients
  int64_t expires_at_ms = 0;  // unix milliseconds: a 1 s lifetime must not end at the next second boundary
};

/// Why an authorization header was refused.
enum class AuthFailure { kNone, kMissing, kBadCredentials, kInvalidToken, kExpiredToken };

struct AuthResult {
  AuthFailure failure = AuthFailure::kNone;
  std::string user;
  std::string token;  // the bearer token used, if any
};

class Auth {
 public:
  Auth(std::string username, std::string password, bool enabled, int64_t token_ttl)
      : username_(std::move(username)), password_(std::move(password)), enabled_(enabled), token_ttl_(token_ttl) {}

  bool enabled() const { return enabled_; }
  int64_t default_ttl() const { return token_ttl_; }

  /// Checks an Authorization header value ("Basic ..." or "Bearer ..."); `allow_basic` for GSQL-server routes.
  AuthResult Check(const std::string& header, bool allow_basic) const;
  bool CheckPassword(const std::string& user, const std::string& password) const;

  /// Creates a token for `user` valid for `lifetime` seconds (default TTL when <= 0).
  TokenInfo IssueToken(const std::string& user, const std::string& graph, int64_t lifetime, std::string* token);
  /// Re-adds a token from the journal.
  void RestoreToken(const std::string& token, const TokenInfo& info);
  std::optional<TokenInfo> Lookup(const std::string& token) const;
  bool DropToken(const std::string& token);
  /// Marks a token expired now (fault injection).
  void ExpireToken(const std::string& token);

  /// Secrets: alias -> secret.
  /// Returns the alias, or "" when the alias is already in use (nothing changes then). `value`: the secret chosen
  /// by the caller (4.x `value` parameter), else a random one.
  std::string CreateSecret(const std::string& user, std::string alias, std::string* secret_out,
                           const std::string& value = "");
  void RestoreSecret(const std::string& user, const std::string& alias, const std::string& secret);
  std::optional<std::string> UserOfSecret(const std::string& secret) const;
  std::map<std::string, std::string> Secrets() const;
  bool DropSecret(const std::string& alias_or_secret);

  static int64_t Now();
  static int64_t NowMs();

 private:
  std::string NewRandom(size_t n);

  const std::string username_;
  const std::string password_;
  const bool enabled_;
  const int64_t token_ttl_;
  mutable std::mutex mu_;
  std::map<std::string, TokenInfo> tokens_;
  std::map<std::string, std::pair<std::string, std::string>> secrets_;  // alias -> (user, secret)
  uint64_t counter_ = 0;
};

/// Decodes base64 (for Basic credentials); nullopt when malformed.
std::optional<std::string> Base64Decode(std::string_view in);

}  // namespace icegraph::emulator
