// Base64 (RFC 4648 §4, padded) and base64url (§5, unpadded), for HTTP Basic credentials and opaque cursors.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace icegraph::encoding {

/// Standard alphabet with '=' padding ("Basic" credentials).
std::string Base64Encode(std::string_view in);
/// URL-safe alphabet ('-', '_') without padding (cursors in URLs).
std::string Base64UrlEncode(std::string_view in);
/// Decodes unpadded base64url; nullopt on a character outside the alphabet or an impossible length.
std::optional<std::string> Base64UrlDecode(std::string_view in);

}  // namespace icegraph::encoding
