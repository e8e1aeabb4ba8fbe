// The Vulkan loader's C API (apt: libvulkan-dev). Only the GPU build includes this module.
#include <vulkan/vulkan.h>

// VK_MAKE_API_VERSION is a function-like macro, which Swift does not import.
static inline uint32_t cvulkan_api_version(uint32_t major, uint32_t minor) {
    return VK_MAKE_API_VERSION(0, major, minor, 0);
}
