// What the reports call the two sides of a conversation: side 0 sent the first SYN (or the first
// segment seen), as Wireshark's follow window calls them client and server.
#pragma once

#include <string_view>

namespace tcpvet::report {

[[nodiscard]] constexpr std::string_view side_name(unsigned side) noexcept { return side == 0 ? "client" : "server"; }

}  // namespace tcpvet::report
