#include "common/encoding.h"

#include <gtest/gtest.h>

#include <vector>

namespace icegraph::encoding {
namespace {

TEST(EncodingTest, Base64MatchesRfc4648Vectors) {
  // RFC 4648 §10.
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64Encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode("tigergraph:tigergraph"), "dGlnZXJncmFwaDp0aWdlcmdyYXBo");
}

TEST(EncodingTest, Base64UrlIsUnpaddedAndRoundTrips) {
  EXPECT_EQ(Base64UrlEncode("fo"), "Zm8");
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_EQ(Base64Encode("\xfb\xff"), "+/8=");
  for (const std::string& s :
       std::vector<std::string>{"", "a", "ab", "abc", "{\"after\":\"v\\u00e9\"}", std::string("\0\x01\xff", 3)}) {
    EXPECT_EQ(Base64UrlDecode(Base64UrlEncode(s)), std::optional<std::string>(s)) << s;
  }
  EXPECT_EQ(Base64UrlDecode("Zm8="), std::nullopt);  // '=' is outside the url alphabet
  EXPECT_EQ(Base64UrlDecode("Z"), std::nullopt);     // no length leaves one character over
  EXPECT_EQ(Base64UrlDecode("Zm+v"), std::nullopt);
}

}  // namespace
}  // namespace icegraph::encoding
