#include "job_detail/detail/job_document.h"

#include <limits>

#include "job_detail/detail/json_dom.h"

namespace job_detail::detail {

nlohmann::json JobDom(const Job& job) {
  if (job.text.empty()) return nlohmann::json::object();
  // ParseJob accepted the text within its depth limit: no limit is needed to read it again.
  auto dom = ParseJsonDom(job.text, {.max_depth = std::numeric_limits<std::uint32_t>::max(),
                                     .set_aside_member = "execution_steps"});
  return dom.ok() ? std::move(dom.value().value) : nlohmann::json::object();
}

}  // namespace job_detail::detail
