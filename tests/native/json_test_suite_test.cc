// The JSONTestSuite parsing corpus (nst/JSONTestSuite): y_ files must be accepted, n_ files
// rejected with an offset, i_ files may go either way but must give a defined outcome. The scanner
// alone is tested here (most files are not steps documents); under the strict rules nlohmann/json,
// the decoder Step(i) uses, must agree with every decision.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "json_scan_test_util.h"

namespace job_detail {
namespace {

namespace fs = std::filesystem;

const fs::path kCorpus = fs::path(JOB_DETAIL_SHARED_DIR) / "corpora/JSONTestSuite/test_parsing";

struct CorpusFile {
  std::string name;
  std::string bytes;
};

std::vector<CorpusFile> LoadCorpus(char prefix) {
  std::vector<CorpusFile> files;
  for (const auto& entry : fs::directory_iterator(kCorpus)) {
    const std::string name = entry.path().filename().string();
    if (name.size() < 2 || name[0] != prefix || name[1] != '_') continue;
    std::ifstream in(entry.path(), std::ios::binary);
    files.push_back({name, std::string(std::istreambuf_iterator<char>(in), {})});
  }
  std::sort(files.begin(), files.end(),
            [](const CorpusFile& a, const CorpusFile& b) { return a.name < b.name; });
  return files;
}

bool NlohmannAccepts(const std::string& bytes) {
  // nlohmann stops at a NUL byte and accepts what came before; the scanner rejects NUL, so only
  // NUL-free documents are comparable.
  return !nlohmann::json::parse(bytes, nullptr, false).is_discarded();
}

class JsonTestSuiteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::is_directory(kCorpus)) GTEST_SKIP() << "corpus missing at " << kCorpus.string();
  }
};

TEST_F(JsonTestSuiteTest, AcceptsEveryYFile) {
  const auto files = LoadCorpus('y');
  ASSERT_GE(files.size(), 90u);
  for (const CorpusFile& file : files) {
    EXPECT_EQ(testing::ScanResult(file.bytes), "ok") << file.name;
    EXPECT_EQ(testing::ScanInChunks(file.bytes, 1).result, "ok") << file.name;
    EXPECT_TRUE(NlohmannAccepts(file.bytes)) << file.name;
  }
}

TEST_F(JsonTestSuiteTest, RejectsEveryNFileWithAnOffset) {
  const auto files = LoadCorpus('n');
  ASSERT_GE(files.size(), 180u);
  for (const CorpusFile& file : files) {
    const std::string whole = testing::ScanResult(file.bytes);
    EXPECT_NE(whole, "ok") << file.name;
    EXPECT_NE(whole.find('@'), std::string::npos) << file.name;
    EXPECT_EQ(whole.find("@-"), std::string::npos) << file.name << " has no offset";
    EXPECT_EQ(testing::ScanInChunks(file.bytes, 1).result, whole) << file.name;
    if (file.bytes.find('\0') == std::string::npos) {
      EXPECT_FALSE(NlohmannAccepts(file.bytes)) << file.name;
    }
  }
}

// The default rules (what JSON.parse accepts after a non-fatal UTF-8 decode) widen the strict
// ones only where the i_ files are: y_ files stay accepted and n_ files rejected at any chunking.
// Their verdict on each i_ file is compared with V8's own in the package tests.
TEST_F(JsonTestSuiteTest, TheJsonParseRulesAcceptEveryYAndRejectEveryNFile) {
  const auto like_json_parse = detail::JsonTextRules::kLikeJsonParse;
  for (const CorpusFile& file : LoadCorpus('y')) {
    EXPECT_EQ(testing::ScanWithCuts(file.bytes, {}, 512, like_json_parse).result, "ok")
        << file.name;
    EXPECT_EQ(testing::ScanInChunks(file.bytes, 1, 512, like_json_parse).result, "ok") << file.name;
  }
  for (const CorpusFile& file : LoadCorpus('n')) {
    const std::string whole = testing::ScanWithCuts(file.bytes, {}, 512, like_json_parse).result;
    EXPECT_NE(whole, "ok") << file.name;
    EXPECT_EQ(whole.find("@-"), std::string::npos) << file.name << " has no offset";
    EXPECT_EQ(testing::ScanInChunks(file.bytes, 1, 512, like_json_parse).result, whole)
        << file.name;
  }
  for (const CorpusFile& file : LoadCorpus('i')) {
    const std::string whole = testing::ScanWithCuts(file.bytes, {}, 512, like_json_parse).result;
    EXPECT_EQ(testing::ScanInChunks(file.bytes, 1, 512, like_json_parse).result, whole)
        << file.name;
  }
}

TEST_F(JsonTestSuiteTest, GivesADefinedOutcomeForEveryIFileAndAgreesWithTheDecoder) {
  const auto files = LoadCorpus('i');
  ASSERT_GE(files.size(), 30u);
  for (const CorpusFile& file : files) {
    const std::string whole = testing::ScanResult(file.bytes);
    EXPECT_EQ(testing::ScanInChunks(file.bytes, 1).result, whole) << file.name;
    // Whatever the scanner accepts, the decoder must decode (and the other way round, except the
    // nesting limit, which the decoder does not have).
    if (whole.rfind("too_deep", 0) != 0 && file.bytes.find('\0') == std::string::npos) {
      EXPECT_EQ(whole == "ok", NlohmannAccepts(file.bytes)) << file.name << " " << whole;
    }
  }
}

}  // namespace
}  // namespace job_detail
