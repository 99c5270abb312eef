#include "emulator/auth.h"

#include <random>

namespace icegraph::emulator {

int64_t Auth::Now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

int64_t Auth::NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::optional<std::string> Base64Decode(std::string_view in) {
  static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t buf = 0;
  int bits = 0;
  for (const char c : in) {
    if (c == '=') break;
    const size_t v = kAlphabet.find(c);
    if (v == std::string_view::npos) return std::nullopt;
    buf = (buf << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buf >> bits) & 0xff));
    }
  }
  return out;
}

bool Auth::CheckPassword(const std::string& user, const std::string& password) const {
  return user == username_ && password == password_;
}

AuthResult Auth::Check(const std::string& header, bool allow_basic) const {
  AuthResult r;
  if (!enabled_) {
    r.user = username_;
    return r;
  }
  if (header.empty()) {
    r.failure = AuthFailure::kMissing;
    return r;
  }
  if (header.rfind("Basic ", 0) == 0) {
    const auto decoded = Base64Decode(header.substr(6));
    const size_t colon = decoded ? decoded->find(':') : std::string::npos;
    if (!allow_basic || colon == std::string::npos ||
        !CheckPassword(decoded->substr(0, colon), decoded->substr(colon + 1))) {
      r.failure = allow_basic ? AuthFailure::kBadCredentials : AuthFailure::kMissing;
      return r;
    }
    r.user = decoded->substr(0, colon);
    return r;
  }
  if (header.rfind("Bearer ", 0) == 0) {
    r.token = header.substr(7);
    const auto info = Lookup(r.token);
    if (!info) {
      r.failure = AuthFailure::kInvalidToken;
    } else if (info->expires_at_ms <= NowMs()) {
      r.failure = AuthFailure::kExpiredToken;
    } else {
      r.user = info->user;
    }
    return r;
  }
  r.failure = AuthFailure::kMissing;
  return r;
}

std::string Auth::NewRandom(size_t n) {
  static constexpr std::string_view kChars = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device rd;
  std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd() ^ (++counter_));
  std::string s(n, 'a');
  for (char& c : s) c = kChars[gen() % kChars.size()];
  return s;
}

TokenInfo Auth::IssueToken(const std::string& user, const std::string& graph, int64_t lifetime, std::string* token) {
  const std::lock_guard<std::mutex> lock(mu_);
  *token = NewRandom(32);
  const int64_t ttl = lifetime > 0 ? lifetime : token_ttl_;
  TokenInfo info{user, graph, Now() + ttl, NowMs() + ttl * 1000};
  tokens_[*token] = info;
  return info;
}

void Auth::RestoreToken(const std::string& token, const TokenInfo& info) {
  const std::lock_guard<std::mutex> lock(mu_);
  tokens_[token] = info;
}

std::optional<TokenInfo> Auth::Lookup(const std::string& token) const {
  const std::lock_guard<std::mutex> lock(mu_);
  const auto it = tokens_.find(token);
  if (it == tokens_.end()) return std::nullopt;
  return it->second;
}

bool Auth::DropToken(const std::string& token) {
  const std::lock_guard<std::mutex> lock(mu_);
  return tokens_.erase(token) > 0;
}

void Auth::ExpireToken(const std::string& token) {
  const std::lock_guard<std::mutex> lock(mu_);
  const auto it = tokens_.find(token);
  if (it != tokens_.end()) {
    it->second.expires_at = Now() - 1;
    it->second.expires_at_ms = NowMs() - 1;
  }
}

std::string Auth::CreateSecret(const std::string& user, std::string alias, std::string* secret_out,
                               const std::string& value) {
  const std::lock_guard<std::mutex> lock(mu_);
  if (alias.empty()) alias = "AUTO_GENERATED_ALIAS_" + NewRandom(7);
  // TigerGraph refuses an alias in use rather than replacing the secret others may rely on.
  if (secrets_.count(alias) > 0) return "";
  *secret_out = value.empty() ? NewRandom(32) : value;
  secrets_[alias] = {user, *secret_out};
  return alias;
}

void Auth::RestoreSecret(const std::string& user, const std::string& alias, const std::string& secret) {
  const std::lock_guard<std::mutex> lock(mu_);
  secrets_[alias] = {user, secret};
}

std::optional<std::string> Auth::UserOfSecret(const std::string& secret) const {
  const std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [alias, us] : secrets_) {
    if (us.second == secret) return us.first;
  }
  return std::nullopt;
}

std::map<std::string, std::string> Auth::Secrets() const {
  const std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, std::string> out;
  for (const auto& [alias, us] : secrets_) out[alias] = us.second;
  return out;
}

bool Auth::DropSecret(const std::string& alias_or_secret) {
  const std::lock_guard<std::mutex> lock(mu_);
  if (secrets_.erase(alias_or_secret) > 0) return true;
  for (auto it = secrets_.begin(); it != secrets_.end(); ++it) {
    if (it->second.second == alias_or_secret) {
      secrets_.erase(it);
      return true;
    }
  }
  return false;
}

}  // namespace icegraph::emulator
