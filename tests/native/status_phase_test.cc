// The one status rule: which statuses are terminal, running or unknown, by default and with a
// caller's vocabulary.
#include "job_detail/status_phase.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace job_detail {
namespace {

StatusPhase Phase(const char* status, const StatusVocabulary& vocabulary = {}) {
  return ClassifyStatus(std::string_view(status), vocabulary);
}

TEST(StatusPhaseTest, DefaultsCoverTheCommonVocabularies) {
  // This project's workers.
  EXPECT_EQ(Phase("completed"), StatusPhase::kSucceeded);
  EXPECT_EQ(Phase("failed"), StatusPhase::kFailed);
  EXPECT_EQ(Phase("cancelled"), StatusPhase::kFailed);
  EXPECT_EQ(Phase("canceled"), StatusPhase::kFailed);
  EXPECT_EQ(Phase("running"), StatusPhase::kRunning);
  EXPECT_EQ(Phase("pending"), StatusPhase::kRunning);
  // Airflow.
  EXPECT_EQ(Phase("success"), StatusPhase::kSucceeded);
  EXPECT_EQ(Phase("upstream_failed"), StatusPhase::kFailed);
  EXPECT_EQ(Phase("skipped"), StatusPhase::kEnded);
  EXPECT_EQ(Phase("up_for_retry"), StatusPhase::kRunning);
  EXPECT_EQ(Phase("deferred"), StatusPhase::kRunning);
  // AWS Step Functions.
  EXPECT_EQ(Phase("SUCCEEDED"), StatusPhase::kSucceeded);
  EXPECT_EQ(Phase("TIMED_OUT"), StatusPhase::kFailed);
  EXPECT_EQ(Phase("ABORTED"), StatusPhase::kFailed);
  EXPECT_EQ(Phase("RUNNING"), StatusPhase::kRunning);
  EXPECT_EQ(Phase("PENDING_REDRIVE"), StatusPhase::kRunning);
  // Argo.
  EXPECT_EQ(Phase("Succeeded"), StatusPhase::kSucceeded);
  EXPECT_EQ(Phase("Error"), StatusPhase::kFailed);
  EXPECT_EQ(Phase("Omitted"), StatusPhase::kEnded);
  // GitHub Actions and Kubernetes-style spellings.
  EXPECT_EQ(Phase("in_progress"), StatusPhase::kRunning);
  EXPECT_EQ(Phase("queued"), StatusPhase::kRunning);
}

TEST(StatusPhaseTest, CaseHyphensAndSpacesDoNotMatter) {
  EXPECT_EQ(Phase("Timed-Out"), StatusPhase::kFailed);
  EXPECT_EQ(Phase("timed out"), StatusPhase::kFailed);
  EXPECT_EQ(Phase("  In Progress \n"), StatusPhase::kRunning);
}

TEST(StatusPhaseTest, UnlistedEmptyAndAbsentStatusesAreUnknown) {
  EXPECT_EQ(Phase("paused_for_review"), StatusPhase::kUnknown);
  EXPECT_EQ(Phase(""), StatusPhase::kUnknown);
  EXPECT_EQ(Phase("   "), StatusPhase::kUnknown);
  EXPECT_EQ(ClassifyStatus(std::nullopt), StatusPhase::kUnknown);
  // Not a substring match: a status that contains a listed word is its own status.
  EXPECT_EQ(Phase("not_completed_yet"), StatusPhase::kUnknown);
}

TEST(StatusPhaseTest, ACallersListReplacesThatDefaultList) {
  StatusVocabulary vocabulary;
  vocabulary.terminal = {"DONE_OK", "Gave-Up", "success"};
  // Listed by the caller: terminal, with the defaults' outcome when they know the word.
  EXPECT_EQ(Phase("done_ok", vocabulary), StatusPhase::kEnded);
  EXPECT_EQ(Phase("gave up", vocabulary), StatusPhase::kEnded);
  EXPECT_EQ(Phase("SUCCESS", vocabulary), StatusPhase::kSucceeded);
  // The default terminal list no longer applies; running keeps its defaults.
  EXPECT_EQ(Phase("completed", vocabulary), StatusPhase::kUnknown);
  EXPECT_EQ(Phase("running", vocabulary), StatusPhase::kRunning);

  vocabulary.running = {"busy"};
  EXPECT_EQ(Phase("BUSY", vocabulary), StatusPhase::kRunning);
  EXPECT_EQ(Phase("running", vocabulary), StatusPhase::kUnknown);
}

TEST(StatusPhaseTest, TerminalWinsOverRunningAndTheDefaultListsAreDisjoint) {
  StatusVocabulary vocabulary;
  vocabulary.terminal = {"halted"};
  vocabulary.running = {"halted"};
  EXPECT_EQ(Phase("halted", vocabulary), StatusPhase::kEnded);
  for (std::string_view running : DefaultRunningStatuses()) {
    for (std::string_view terminal : DefaultTerminalStatuses()) EXPECT_NE(running, terminal);
    EXPECT_EQ(ClassifyStatus(running), StatusPhase::kRunning) << running;
  }
  for (std::string_view terminal : DefaultTerminalStatuses()) {
    EXPECT_TRUE(IsTerminal(ClassifyStatus(terminal))) << terminal;
  }
}

}  // namespace
}  // namespace job_detail
