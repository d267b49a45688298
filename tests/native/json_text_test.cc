// The small JSON text helpers: string encoding round-trips through the strict decoder.
#include "job_detail/detail/json_text.h"

#include <gtest/gtest.h>

#include <string>

namespace job_detail::detail {
namespace {

TEST(EncodeJsonStringTest, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(EncodeJsonString(""), R"("")");
  EXPECT_EQ(EncodeJsonString("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(EncodeJsonString("\n\r\t\b\f"), R"("\n\r\t\b\f")");
  EXPECT_EQ(EncodeJsonString(std::string("\x01\x1f", 2)), R"("\u0001\u001f")");
  EXPECT_EQ(EncodeJsonString(std::string("a\0b", 3)), R"("a\u0000b")");
  EXPECT_EQ(EncodeJsonString("/<>'"), R"("/<>'")");
}

TEST(EncodeJsonStringTest, KeepsUtf8AndReplacesBrokenBytes) {
  EXPECT_EQ(EncodeJsonString("caf\xC3\xA9 \xF0\x9F\x98\x80"), "\"caf\xC3\xA9 \xF0\x9F\x98\x80\"");
  EXPECT_EQ(EncodeJsonString("a\xFF"
                             "b"),
            "\"a\xEF\xBF\xBD"
            "b\"");
  EXPECT_EQ(EncodeJsonString("\xC3"), "\"\xEF\xBF\xBD\"");  // cut sequence at the end
  EXPECT_EQ(EncodeJsonString("\xED\xA0\x80"),
            "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");  // surrogate
}

TEST(EncodeJsonStringTest, RoundTripsThroughTheDecoderForEveryByte) {
  for (int c = 0; c < 0x80; ++c) {
    const std::string text = "x" + std::string(1, static_cast<char>(c)) + "y";
    const auto decoded = DecodeJsonString(EncodeJsonString(text));
    ASSERT_TRUE(decoded.has_value()) << c;
    EXPECT_EQ(*decoded, text) << c;
  }
  const std::string mixed = "\"quoted\" \\ \x7f \xE6\x97\xA5\xE6\x9C\xAC";
  EXPECT_EQ(DecodeJsonString(EncodeJsonString(mixed)), mixed);
}

}  // namespace
}  // namespace job_detail::detail
