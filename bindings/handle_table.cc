#include "handle_table.h"

#include <cstdint>
#include <cstdlib>
#include <vector>

namespace job_detail::bindings {
namespace {

struct Slot {
  void* object;
  const void* type;
};

std::vector<Slot> slots;
std::vector<std::uint32_t> free_slots;

}  // namespace

std::uint32_t AddHandle(void* object, const void* type) {
  if (free_slots.empty()) {
    slots.push_back({object, type});
    return static_cast<std::uint32_t>(slots.size());
  }
  const std::uint32_t handle = free_slots.back();
  free_slots.pop_back();
  slots[handle - 1] = {object, type};
  return handle;
}

void* HandleObject(std::uint32_t handle, const void* type) {
  if (handle == 0 || handle > slots.size() || slots[handle - 1].type != type) std::abort();
  return slots[handle - 1].object;
}

void* RemoveHandle(std::uint32_t handle, const void* type) {
  void* object = HandleObject(handle, type);
  slots[handle - 1] = {nullptr, nullptr};
  free_slots.push_back(handle);
  return object;
}

}  // namespace job_detail::bindings
